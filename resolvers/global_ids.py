"""Opaque global ids: base64 of `<GraphQL type name>:<primary key>`, as Relay clients expect."""

from __future__ import annotations

import base64
import binascii
from typing import TypeVar

from tortoise.models import Model

from models import (
    AssignmentGroup,
    DomainOrder,
    Event,
    FalloutRecord,
    LineItem,
    ServiceOrder,
    ServiceSpecification,
    SoldProduct,
    Task,
    TaskTemplate,
    User,
)
from services.errors import NotFoundError, ValidationError

M = TypeVar("M", bound=Model)

# The GraphQL type each model is shown as; the schema's Node types carry the same names.
NODE_MODELS: dict[str, type[Model]] = {
    "ServiceOrder": ServiceOrder,
    "LineItem": LineItem,
    "SoldProduct": SoldProduct,
    "DomainOrder": DomainOrder,
    "Task": Task,
    "FalloutRecord": FalloutRecord,
    "HistoryEvent": Event,
    "ServiceSpecification": ServiceSpecification,
    "TaskTemplate": TaskTemplate,
    "User": User,
    "AssignmentGroup": AssignmentGroup,
}
_TYPE_NAMES = {model: name for name, model in NODE_MODELS.items()}


def global_id(row: Model) -> str:
    return encode_global_id(_TYPE_NAMES[type(row)], int(row.pk))


def encode_global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse_global_id(value: str) -> tuple[type[Model], int] | None:
    """The model and key a global id names, or None when it is not one of ours."""
    try:
        text = base64.b64decode(value.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, _, key = text.partition(":")
    model = NODE_MODELS.get(type_name)
    if model is None or not key.isdigit() or len(key) > 18:
        return None
    return model, int(key)


def decode_id(value: str, model: type[M], *, field: str) -> int:
    """The key of a `model` id given as input `field`.

    Not a global id at all is a VALIDATION error; the id of another type names no such
    object, so it is NOT_FOUND, like an id that was never issued.
    """
    parsed = parse_global_id(value)
    if parsed is None:
        raise ValidationError("Not a valid id.", field=field)
    found_model, pk = parsed
    if found_model is not model:
        raise NotFoundError(f"No such {_TYPE_NAMES[model]}.", field=field)
    return pk
