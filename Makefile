# The two set-up commands of the README: `make run` and `make test`.
# Both build what they need: a virtual environment with the pinned dependencies of
# requirements.lock (compiled from pyproject.toml by `make lock`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck check lock migrations docs clean ui schema

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $(STAMP)

# The Orchestration Plan UI (ui/): installed and built only when its sources changed;
# the service serves ui/dist at /ui. The build generates the types of its GraphQL documents
# from schema.graphql (ui/codegen.ts), so a change to the contract rebuilds it.
UI_SOURCES := $(shell find ui/src -type f 2>/dev/null) ui/index.html ui/vite.config.ts ui/tsconfig.json \
	ui/package.json ui/codegen.ts schema.graphql
UI_MODULES := ui/node_modules/.package-lock.json
UI_DIST := ui/dist/index.html

$(UI_MODULES): ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund --loglevel=error
	touch $(UI_MODULES)

$(UI_DIST): $(UI_MODULES) $(UI_SOURCES)
	cd ui && npm run build --silent

ui: $(UI_DIST)

# The graphql-http audit suite that tests/http_audit/test_audit.py runs against a real server.
AUDIT_MODULES := tests/http_audit/node_modules/.package-lock.json

$(AUDIT_MODULES): tests/http_audit/package-lock.json
	cd tests/http_audit && npm ci --no-audit --no-fund --loglevel=error
	touch $(AUDIT_MODULES)

run: $(STAMP) ui
	HOST=$(HOST) PORT=$(PORT) DEMO_MODE=$${DEMO_MODE:-true} INTROSPECTION=$${INTROSPECTION:-true} $(BIN)/python server.py run

# One pytest worker per core (pytest-xdist); each makes its own PostgreSQL database.
PYTEST_ARGS ?= -n auto

test: $(STAMP) ui $(AUDIT_MODULES)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd ui && npm test --silent
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

# The schema contract: write schema.graphql from the served schema; refused for a breaking
# change that CHANGELOG.md does not acknowledge (docs/DEVELOPING.md, "The schema contract").
schema: $(STAMP)
	$(BIN)/python server.py schema

# After changing a model: write the next migration under models/migrations/.
migrations: $(STAMP)
	$(BIN)/tortoise makemigrations

# After adding or changing an event kind: rewrite the event kinds table of docs/DEVELOPING.md.
docs: $(STAMP)
	$(BIN)/python -m tests.services.events.kinds_doc

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Benchmarks (bench/, figures in the README's "Performance" section): each prints a table of
# figures and ratios to its baselines. They use throwaway databases (SQLite temp files, and
# PostgreSQL databases of their own on 127.0.0.1:5432) and talk only to loopback.
.PHONY: bench bench-plan bench-mutations bench-fanout bench-volume bench-workers

bench: bench-plan bench-mutations bench-fanout bench-volume bench-workers

bench-plan: $(STAMP)
	$(BIN)/python -m bench.plan_read

bench-mutations: $(STAMP)
	$(BIN)/python -m bench.mutations

bench-fanout: $(STAMP)
	$(BIN)/python -m bench.fanout

bench-volume: $(STAMP)
	$(BIN)/python -m bench.volume

bench-workers: $(STAMP)
	$(BIN)/python -m bench.workers
