"""The three top-level lists (orders, tasks, fallouts): scoped to the reader, filtered, paged."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Subquery

from models import Event, FalloutRecord, LineItem, ServiceOrder, SoldProduct, Task, User
from models.enums import (
    FalloutState,
    FalloutType,
    JeopardyLevel,
    LineItemAction,
    ServiceOrderState,
    SoldProductState,
    TaskState,
)
from services.events.kinds import EntityType
from services.policy import readable_orders
from services.queries.pagination import Page, PageRequest, paginate, paginate_by_lateness
from services.queries.scoping import (
    visible_fallouts,
    visible_orders,
    visible_sold_products,
    visible_tasks,
)


@dataclass(frozen=True)
class OrderFilter:
    state: ServiceOrderState | None = None
    customer: str | None = None
    submitted_by_id: int | None = None
    number: str | None = None
    # At this level or above, most late first (then newest first).
    jeopardy_at_least: JeopardyLevel | None = None
    # Orders with at least one line item of this action.
    action: LineItemAction | None = None


@dataclass(frozen=True)
class SoldProductFilter:
    customer: str | None = None
    state: SoldProductState | None = None
    specification_code: str | None = None


@dataclass(frozen=True)
class TaskFilter:
    state: TaskState | None = None
    assignee_id: int | None = None
    assignment_group_id: int | None = None
    service_order_id: int | None = None
    # True: LATE or CRITICAL, most late first; False: neither.
    overdue: bool | None = None


# A task is overdue at these levels: planned to end after its due date, past it, or running
# past its planned end (services/schedule/jeopardy.py).
OVERDUE = JeopardyLevel.LATE.at_least()


@dataclass(frozen=True)
class FalloutFilter:
    state: FalloutState | None = None
    type: FalloutType | None = None
    assignee_id: int | None = None
    service_order_id: int | None = None


async def list_service_orders(
    reader: User, where: OrderFilter, page: PageRequest
) -> Page[ServiceOrder]:
    """Newest first; with `jeopardy_at_least`, most late first."""
    orders = visible_orders(reader)
    if where.state is not None:
        orders = orders.filter(state=where.state)
    if where.customer is not None:
        orders = orders.filter(customer=where.customer)
    if where.submitted_by_id is not None:
        orders = orders.filter(submitted_by_id=where.submitted_by_id)
    if where.number is not None:
        orders = orders.filter(number=where.number.strip().upper())
    if where.action is not None:
        with_action = LineItem.filter(action=where.action).values("service_order_id")
        orders = orders.filter(id__in=Subquery(with_action))
    if where.jeopardy_at_least is not None:
        orders = orders.filter(jeopardy__in=where.jeopardy_at_least.at_least())
        return await paginate_by_lateness(orders, page)
    return await paginate(orders, page, newest_first=True)


async def list_sold_products(
    reader: User, where: SoldProductFilter, page: PageRequest
) -> Page[SoldProduct]:
    """Newest first: the installed base, as the reader may see it."""
    products = visible_sold_products(reader).select_related("specification")
    if where.customer is not None:
        products = products.filter(customer=where.customer)
    if where.state is not None:
        products = products.filter(state=where.state)
    if where.specification_code is not None:
        products = products.filter(specification__code=where.specification_code)
    return await paginate(products, page, newest_first=True)


async def sold_product_history(reader: User, product_id: int, page: PageRequest) -> Page[Event]:
    """The product's own events (activated, modified with the characteristics before and after,
    terminated, cancelled), oldest first, of the orders the reader may read."""
    events = Event.filter(entity_type=EntityType.SOLD_PRODUCT.value, entity_id=product_id)
    if not readable_orders(reader).is_everything:
        # Of the few orders that touched the product, those the reader may read (not every
        # order the reader may read: a partner's history would read all of its orders).
        touched = Event.filter(
            entity_type=EntityType.SOLD_PRODUCT.value, entity_id=product_id
        ).values("service_order_id")
        readable = visible_orders(reader).filter(id__in=Subquery(touched)).values("id")
        events = events.filter(service_order_id__in=Subquery(readable))
    return await paginate(events, page, newest_first=False)


async def list_tasks(reader: User, where: TaskFilter, page: PageRequest) -> Page[Task]:
    """Oldest first: the order in which the work was planned; overdue ones most late first."""
    tasks = visible_tasks(reader).select_related("assignment_group", "assignee")
    if where.state is not None:
        tasks = tasks.filter(state=where.state)
    if where.assignee_id is not None:
        tasks = tasks.filter(assignee_id=where.assignee_id)
    if where.assignment_group_id is not None:
        tasks = tasks.filter(assignment_group_id=where.assignment_group_id)
    if where.service_order_id is not None:
        tasks = tasks.filter(service_order_id=where.service_order_id)
    if where.overdue is False:
        tasks = tasks.exclude(jeopardy__in=OVERDUE)
    if where.overdue:
        return await paginate_by_lateness(tasks.filter(jeopardy__in=OVERDUE), page)
    return await paginate(tasks, page, newest_first=False)


async def list_fallouts(
    reader: User, where: FalloutFilter, page: PageRequest
) -> Page[FalloutRecord]:
    """Newest first."""
    fallouts = visible_fallouts(reader).select_related("assignee", "created_by", "resolved_by")
    if where.state is not None:
        fallouts = fallouts.filter(state=where.state)
    if where.type is not None:
        fallouts = fallouts.filter(type=where.type)
    if where.assignee_id is not None:
        fallouts = fallouts.filter(assignee_id=where.assignee_id)
    if where.service_order_id is not None:
        fallouts = fallouts.filter(service_order_id=where.service_order_id)
    return await paginate(fallouts, page, newest_first=True)


async def order_history(order_id: int, page: PageRequest) -> Page[Event]:
    """Every event of one order, in the order they happened. The caller has checked the order
    is readable."""
    return await paginate(Event.filter(service_order_id=order_id), page, newest_first=False)
