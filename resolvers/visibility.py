"""Whether the reader may see one object: the predicate of services/policy.py for its kind,
given what it needs (the order an object belongs to), read through the request's loaders."""

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
from services import policy


async def readable_order(context: Context, order_id: int) -> ServiceOrder | None:
    """The order, if it exists and the reader may see it."""
    order = await context.loaders.order.load(order_id)
    if order is None or not policy.can_read_order(context.actor, order):
        return None
    return order


async def can_read(context: Context, row: Model) -> bool:
    reader = context.actor
    loaders = context.loaders
    match row:
        case ServiceOrder():
            return policy.can_read_order(reader, row)
        case LineItem():
            order = await loaders.order.load(row.service_order_id)
            return order is not None and policy.can_read_line_item(reader, row, order)
        case DomainOrder():
            order = await loaders.order.load(row.service_order_id)
            return order is not None and policy.can_read_domain_order(reader, row, order)
        case Task():
            order = await loaders.order.load(row.service_order_id)
            return order is not None and policy.can_read_task(reader, row, order)
        case FalloutRecord():
            order = await loaders.order.load(row.service_order_id)
            return order is not None and policy.can_read_fallout(reader, row, order)
        case SoldProduct():
            item = await loaders.line_item.load(row.line_item_id)
            order = None if item is None else await loaders.order.load(item.service_order_id)
            return order is not None and policy.can_read_sold_product(reader, row, order)
        case Event():
            order = None
            if row.service_order_id is not None:
                order = await loaders.order.load(row.service_order_id)
            return policy.can_read_event(reader, row, order)
        case User():
            return policy.can_read_user(reader, row)
        case AssignmentGroup() | ServiceSpecification() | TaskTemplate():
            return policy.can_read_reference(reader, row)
    return False
