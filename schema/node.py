"""The Node interface: every object with an id can be fetched again with `node(id:)`."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from tortoise.models import Model

from resolvers.global_ids import global_id


@strawberry.interface(description="An object with an opaque global id.")
class Node:
    @strawberry.field(description="Opaque global id; `node(id:)` fetches the object again.")
    @staticmethod
    def id(root: Model) -> strawberry.ID:
        return strawberry.ID(global_id(root))


def shows(model: type[Model]) -> Callable[[object, object], bool]:
    """The `is_type_of` of a type that shows `model` rows: GraphQL resolves the concrete type
    behind `Node` (and checks every object it completes) with it."""

    def is_type_of(obj: object, _info: object) -> bool:
        return isinstance(obj, model)

    return is_type_of
