"""Reading and validating a catalog file: all or nothing, with every problem named."""

from __future__ import annotations

from pathlib import Path

import pydantic
from pydantic_core import ErrorDetails

from services.catalog.checks import find_problems
from services.catalog.errors import CatalogError
from services.catalog.format import CatalogDocument
from services.catalog.yaml_reader import YamlReadError, read_yaml

DEMO_CATALOG_PATH = Path(__file__).resolve().parents[2] / "catalog" / "demo.yaml"


def load_catalog(path: Path) -> CatalogDocument:
    """The validated catalog in `path`; a CatalogError listing every problem otherwise."""
    document, problems = _read(path)
    if document is None or problems:
        raise CatalogError(problems)
    return document


def validate_catalog_file(path: Path) -> list[str]:
    """Every problem in `path`, one line each (`<file>: <entry>: <problem>`); [] if it is valid.

    For editors and the command line: it never raises for a bad catalog.
    """
    return _read(path)[1]


def _read(path: Path) -> tuple[CatalogDocument | None, list[str]]:
    try:
        data = read_yaml(path)
    except YamlReadError as error:
        return None, [f"{path}: {error}"]
    if not isinstance(data, dict):
        return None, [f"{path}: a catalog is a mapping with 'specifications' at its top"]
    try:
        document = CatalogDocument.model_validate(data)
    except pydantic.ValidationError as error:
        return None, [f"{path}: {_describe(data, detail)}" for detail in error.errors()]
    return document, [f"{path}: {problem}" for problem in find_problems(document)]


# The lists whose items are entries: how an item is called, and the key that names it.
_ENTRY_LISTS = {
    "assignment_groups": ("assignment group", "", "name"),
    "specifications": ("specification", "", "code"),
    "relationships": ("relationship", "to ", "target"),
    "task_templates": ("task template", "", "code"),
}


def _describe(data: object, detail: ErrorDetails) -> str:
    """`specification 'X': task template 'y': missing required field 'name'`, from pydantic's
    location, naming entries by their code rather than by their index."""
    parts: list[str] = []
    location = list(detail["loc"])
    node = data
    while len(location) >= 2 and location[0] in _ENTRY_LISTS and isinstance(location[1], int):
        key, index = str(location[0]), location[1]
        label, joiner, name_key = _ENTRY_LISTS[key]
        items = node.get(key) if isinstance(node, dict) else None
        node = items[index] if isinstance(items, list) and index < len(items) else None
        name = node.get(name_key) if isinstance(node, dict) else None
        named = isinstance(name, str)
        parts.append(f"{label} {joiner}'{name}'" if named else f"{label} #{index + 1}")
        location = location[2:]
    field = ".".join(str(step) for step in location)
    ctx = detail.get("ctx") or {}
    # Our own validators' messages come without pydantic's "Value error, " prefix.
    message = str(ctx["error"]) if detail["type"] == "value_error" and "error" in ctx else ""
    message = message or detail["msg"][:1].lower() + detail["msg"][1:]
    if detail["type"] == "missing":
        parts.append(f"missing required field '{field}'")
    elif detail["type"] == "extra_forbidden":
        parts.append(f"unknown field '{field}'")
    else:
        value = detail.get("input")
        shown = f" (got {value!r})" if isinstance(value, str | int | float | bool) else ""
        parts.append(f"field '{field}': {message}{shown}" if field else f"{message}{shown}")
    return ": ".join(parts)
