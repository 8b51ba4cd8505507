# The two set-up commands of the README: `make run` and `make test`.
# Both build what they need: a virtual environment with the pinned dependencies of
# requirements.lock (compiled from pyproject.toml by `make lock`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck check lock migrations clean

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $(STAMP)

run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python server.py run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Re-pin dependencies after editing pyproject.toml (needs network access to PyPI).
lock: $(STAMP)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

# After changing a model: write the next migration under models/migrations/.
migrations: $(STAMP)
	$(BIN)/tortoise makemigrations

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
