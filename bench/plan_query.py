"""The documents the Orchestration Plan page sends, read from the page itself
(ui/src/api/documents.graphql) so that the benchmarks measure what the page asks for: the plan
of one order (`Plan`: the whole plan, its fallouts, the first page of its history) and the
task subscription (`TaskChanged`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import parse, print_ast
from graphql.utilities import separate_operations

UI_DOCUMENTS = Path(__file__).resolve().parents[1] / "ui" / "src" / "api" / "documents.graphql"
# `history(first: 100)` in the page's Plan query: the baseline reads the same page.
HISTORY_PAGE_SIZE = 100


@cache
def _operations() -> dict[str, str]:
    document = parse(UI_DOCUMENTS.read_text())
    return {name: print_ast(ast) for name, ast in separate_operations(document).items()}


def ui_operation(name: str) -> str:
    """The page's operation `name`, with the fragments it spreads, as one document."""
    return _operations()[name]


def with_ui_fragments(source: str) -> str:
    """A benchmark's own operation `source`, with the page's fragments it spreads."""
    [operation] = parse(source).definitions
    name = getattr(operation, "name", None)
    if name is None:
        raise ValueError("name the operation: its fragments are found by its name")
    document = parse(f"{UI_DOCUMENTS.read_text()}\n{source}")
    return print_ast(separate_operations(document)[name.value])


PLAN_QUERY = ui_operation("Plan")
