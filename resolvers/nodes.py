"""`node(id:)`: any object by its global id, if the reader may see it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

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
from resolvers.context import Context
from resolvers.global_ids import parse_global_id
from resolvers.loaders import Loaders
from resolvers.visibility import can_read

_LOADERS: dict[type[Model], Callable[[Loaders, int], Awaitable[Model | None]]] = {
    ServiceOrder: lambda loaders, pk: loaders.order.load(pk),
    LineItem: lambda loaders, pk: loaders.line_item.load(pk),
    SoldProduct: lambda loaders, pk: loaders.sold_product.load(pk),
    DomainOrder: lambda loaders, pk: loaders.domain_order.load(pk),
    Task: lambda loaders, pk: loaders.task.load(pk),
    FalloutRecord: lambda loaders, pk: loaders.fallout.load(pk),
    Event: lambda loaders, pk: loaders.event.load(pk),
    ServiceSpecification: lambda loaders, pk: loaders.specification.load(pk),
    TaskTemplate: lambda loaders, pk: loaders.task_template.load(pk),
    User: lambda loaders, pk: loaders.user.load(pk),
    AssignmentGroup: lambda loaders, pk: loaders.group.load(pk),
}


async def node(context: Context, id: str) -> Model | None:
    """Null for an id that is malformed, unknown, or names something the reader may not see:
    the answers are the same so that they reveal nothing."""
    parsed = parse_global_id(id)
    if parsed is None:
        return None
    model, pk = parsed
    row = await _LOADERS[model](context.loaders, pk)
    if row is None or not await can_read(context, row):
        return None
    return row
