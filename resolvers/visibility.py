"""Whether the reader may see one object, by the order it belongs to (services/policy.py)."""

from __future__ import annotations

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
from services.policy import can_read_order
from services.queries.scoping import can_read_event, can_read_user


async def readable_order(context: Context, order_id: int) -> ServiceOrder | None:
    """The order, if it exists and the reader may see it."""
    order = await context.loaders.order.load(order_id)
    if order is None or not can_read_order(context.actor, order):
        return None
    return order


async def can_read(context: Context, row: Model) -> bool:
    match row:
        case ServiceOrder():
            return can_read_order(context.actor, row)
        case LineItem() | DomainOrder() | Task() | FalloutRecord():
            return await readable_order(context, row.service_order_id) is not None
        case SoldProduct():
            item = await context.loaders.line_item.load(row.line_item_id)
            return item is not None and await can_read(context, item)
        case Event():
            order = None
            if row.service_order_id is not None:
                order = await context.loaders.order.load(row.service_order_id)
            return can_read_event(context.actor, row, order)
        case User():
            return can_read_user(context.actor, row)
        case AssignmentGroup() | ServiceSpecification() | TaskTemplate():
            return True  # reference data everyone works with, partners included
    return False
