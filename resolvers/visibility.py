"""Whether the reader may see one object: the predicate of services/policy.py for its kind,
given what it needs (the order an object belongs to), read through the request's loaders.

One function per kind of object; the node table (resolvers/node_types.py) says which applies.
"""

from __future__ import annotations

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


async def order_is_readable(context: Context, order: ServiceOrder) -> bool:
    return policy.can_read_order(context.actor, order)


async def line_item_is_readable(context: Context, item: LineItem) -> bool:
    order = await context.loaders.order.load(item.service_order_id)
    return order is not None and policy.can_read_line_item(context.actor, item, order)


async def product_is_readable(context: Context, product: SoldProduct) -> bool:
    if policy.readable_sold_products(context.actor).is_everything:
        return True  # nothing to load: the rule needs no order
    return policy.can_read_sold_product(
        context.actor, product, await orders_of_product(context, product)
    )


async def orders_of_product(context: Context, product: SoldProduct) -> list[ServiceOrder]:
    """The orders of the line items that created or changed `product`."""
    loaders = context.loaders
    created = await loaders.line_item.load(product.line_item_id)
    changing = await loaders.line_items_changing_product.load(product.id)
    order_ids = [i.service_order_id for i in [created, *changing] if i is not None]
    return [o for o in await loaders.order.load_many(order_ids) if o is not None]


async def domain_order_is_readable(context: Context, domain_order: DomainOrder) -> bool:
    order = await context.loaders.order.load(domain_order.service_order_id)
    return order is not None and policy.can_read_domain_order(context.actor, domain_order, order)


async def task_is_readable(context: Context, task: Task) -> bool:
    order = await context.loaders.order.load(task.service_order_id)
    return order is not None and policy.can_read_task(context.actor, task, order)


async def fallout_is_readable(context: Context, fallout: FalloutRecord) -> bool:
    order = await context.loaders.order.load(fallout.service_order_id)
    return order is not None and policy.can_read_fallout(context.actor, fallout, order)


async def event_is_readable(context: Context, event: Event) -> bool:
    order = None
    if event.service_order_id is not None:
        order = await context.loaders.order.load(event.service_order_id)
    return policy.can_read_event(context.actor, event, order)


async def user_is_readable(context: Context, user: User) -> bool:
    return policy.can_read_user(context.actor, user)


async def reference_is_readable(
    context: Context, row: AssignmentGroup | ServiceSpecification | TaskTemplate
) -> bool:
    return policy.can_read_reference(context.actor, row)
