"""What a field's selection asks for: lists use it to load, before they return, what their
items' fields will read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
)

from schema.info import Info


def asked_fields(info: Info) -> set[str]:
    """The names of the fields selected on this field's items (through fragments too).

    Read from graphql-core's own nodes: a plan asks this of each of its domain orders, and
    `info.selected_fields` builds a whole tree of Strawberry objects each time.
    """
    raw = info._raw_info
    names: set[str] = set()
    for node in raw.field_nodes:
        if node.selection_set is not None:
            _collect(node.selection_set.selections, raw.fragments, names, set())
    return names


def _collect(
    selections: Iterable[SelectionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    names: set[str],
    seen: set[str],
) -> None:
    for selection in selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set.selections, fragments, names, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                _collect(fragment.selection_set.selections, fragments, names, seen)
