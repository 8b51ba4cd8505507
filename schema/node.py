"""The Node interface: every object with an id can be fetched again with `node(id:)`."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from tortoise.models import Model

from resolvers.global_ids import global_id


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


def shows(model: type[Model]) -> Callable[[object, object], bool]:
    """The `is_type_of` of a type that shows `model` rows: GraphQL resolves the concrete type
    behind `Node` (and checks every object it completes) with it."""

    def is_type_of(obj: object, _info: object) -> bool:
        return isinstance(obj, model)

    return is_type_of
