"""Whether the reader may see one object, by the order it belongs to (services/policy.py).

One function per kind of object; the node table (resolvers/node_types.py) says which applies.
"""

from __future__ import annotations

from tortoise.models import Model

from models import (
    DomainOrder,
    Event,
    FalloutRecord,
    LineItem,
    ServiceOrder,
    SoldProduct,
    Task,
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


async def order_is_readable(context: Context, order: ServiceOrder) -> bool:
    return can_read_order(context.actor, order)


async def its_order_is_readable(
    context: Context, row: LineItem | DomainOrder | Task | FalloutRecord
) -> bool:
    return await readable_order(context, row.service_order_id) is not None


async def product_is_readable(context: Context, product: SoldProduct) -> bool:
    item = await context.loaders.line_item.load(product.line_item_id)
    return item is not None and await its_order_is_readable(context, item)


async def event_is_readable(context: Context, event: Event) -> bool:
    order = None
    if event.service_order_id is not None:
        order = await context.loaders.order.load(event.service_order_id)
    return can_read_event(context.actor, event, order)


async def user_is_readable(context: Context, user: User) -> bool:
    return can_read_user(context.actor, user)


async def reference_data(context: Context, row: Model) -> bool:
    """Specifications, task templates and groups: everyone works with them, partners included."""
    return True
