"""What a field's selection asks for: lists use it to load, before they return, what their
items' fields will read."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import SelectedField, Selection

from schema.info import Info


def asked_fields(info: Info) -> set[str]:
    """The names of the fields selected on this field's items (through fragments too)."""
    names: set[str] = set()
    for field in info.selected_fields:
        _collect(field.selections, names)
    return names


def _collect(selections: Iterable[Selection], names: set[str]) -> None:
    for selection in selections:
        if isinstance(selection, SelectedField):
            names.add(selection.name)
        else:
            _collect(selection.selections, names)
