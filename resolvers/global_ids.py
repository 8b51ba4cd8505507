"""Opaque global ids: base64 of `<GraphQL type name>:<primary key>`, as Relay clients expect.

The type names are the node table's (resolvers/node_types.py). An id has one encoding: only the
text `encode_global_id` writes decodes (so not `ServiceOrder:0001`, Arabic-Indic or superscript
digits, unpadded or non-canonical base64), and only for a key within its column's range
(services/limits.py). Anything else is not an id of ours: a VALIDATION error as input, null from
`node(id:)`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from tortoise.fields import BigIntField
from tortoise.models import Model

from resolvers.node_types import BY_MODEL, BY_NAME, NodeType
from services.errors import DomainError, NotFoundError, ValidationError
from services.limits import MAX_EVENT_ID, MAX_ROW_ID

# Read for every id a plan shows: a dict lookup, not a walk of the table.
_TYPE_NAMES = {model: node.name for model, node in BY_MODEL.items()}
_MAX_KEYS = {
    model: MAX_EVENT_ID if isinstance(model._meta.pk, BigIntField) else MAX_ROW_ID
    for model in BY_MODEL
}


def global_id(row: Model) -> str:
    return encode_global_id(_TYPE_NAMES[type(row)], int(row.pk))


def encode_global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse_global_id(value: str) -> tuple[NodeType[Any], int] | None:
    """The node type and key a global id names, or None when it is not one of ours."""
    try:
        text = base64.b64decode(value.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, _, key = text.partition(":")
    node_type = BY_NAME.get(type_name)
    if node_type is None or not (key.isascii() and key.isdigit()) or len(key) > 19:
        return None
    pk = int(key)
    if not 1 <= pk <= _MAX_KEYS[node_type.model] or encode_global_id(type_name, pk) != value:
        return None
    return node_type, pk


def decode_id(value: str, model: type[Model], *, field: str) -> int:
    """The key of a `model` id given as input `field`.

    Not a global id at all is a VALIDATION error; the id of another type names no such
    object, so it is NOT_FOUND, like an id that was never issued.
    """
    parsed = parse_global_id(value)
    if parsed is None:
        raise ValidationError("Not a valid id.", field=field)
    node_type, pk = parsed
    if node_type.model is not model:
        raise NotFoundError(f"No such {_TYPE_NAMES[model]}.", field=field)
    return pk


def decode_input_id(value: str, model: type[Model], *, field: str) -> int | DomainError:
    """Like `decode_id`, but an id that does not decode comes back as its error instead of
    raising it: a service reports it when it reaches its input checks (services/inputs.py),
    so that a bad assignee id does not outrank a refusal for permission or state."""
    try:
        return decode_id(value, model, field=field)
    except DomainError as error:
        return error
