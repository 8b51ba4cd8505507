"""The Node interface: every object with an id can be fetched again with `node(id:)`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from tortoise.models import Model

from resolvers.global_ids import global_id
from resolvers.node_types import type_name

C = TypeVar("C", bound=type)


@strawberry.interface(description="An object with an opaque global id.")
class Node:
    # Read like an attribute (see `read_attribute`), not through a resolver: a plan shows
    # thousands of ids, and a resolver costs each of them an `Info` and a call chain.
    global_id: strawberry.ID = strawberry.field(
        name="id", description="Opaque global id; `node(id:)` fetches the object again."
    )


def read_attribute(source: object, name: str) -> object:
    """The schema's default resolver: `getattr`, except that a Node's `global_id` is made
    from the row it shows."""
    if name == "global_id" and isinstance(source, Model):
        return global_id(source)
    return getattr(source, name)


def node_type(model: type[Model], **options: Any) -> Callable[[C], C]:
    """`strawberry.type` for the Node type that shows `model` rows: its GraphQL name is the
    one the node table gives `model` (resolvers/node_types.py), which its global ids carry,
    and GraphQL tells it behind `Node` (and checks every object it completes) by the row's
    model. `options` go to `strawberry.type` (e.g. `description`)."""

    def declare(cls: C) -> C:
        def is_type_of(obj: object, _info: object) -> bool:
            return isinstance(obj, model)

        cls.is_type_of = is_type_of  # type: ignore[attr-defined]
        declared: C = strawberry.type(cls, name=type_name(model), **options)
        return declared

    return declare
