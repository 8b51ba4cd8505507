"""Reading service orders: one by id, the list, an order's history."""

from __future__ import annotations

from models import Event, ServiceOrder, User
from models.enums import JeopardyLevel, LineItemAction, ServiceOrderState
from resolvers.arguments import filter_id, filter_text, page_request
from resolvers.context import Context
from resolvers.cursors import decode_event_cursor
from resolvers.global_ids import parse_global_id
from resolvers.visibility import readable_order
from services.limits import NAME, NUMBER
from services.queries.lists import OrderFilter, list_service_orders, order_history
from services.queries.pagination import Page


async def service_order(context: Context, id: str) -> ServiceOrder | None:
    """The order, or null if the id names no order the reader may see."""
    parsed = parse_global_id(id)
    if parsed is None or parsed[0].model is not ServiceOrder:
        return None
    return await readable_order(context, parsed[1])


async def service_orders(
    context: Context,
    *,
    state: ServiceOrderState | None,
    customer: str | None,
    submitted_by_id: str | None,
    number: str | None,
    jeopardy_at_least: JeopardyLevel | None = None,
    action: LineItemAction | None = None,
    first: int | None,
    after: str | None,
) -> Page[ServiceOrder]:
    where = OrderFilter(
        state=state,
        customer=filter_text(customer, field="customer", bound=NAME),
        submitted_by_id=filter_id(submitted_by_id, User, field="submittedById"),
        number=filter_text(number, field="number", bound=NUMBER),
        jeopardy_at_least=jeopardy_at_least,
        action=action,
    )
    page = await list_service_orders(context.actor, where, page_request(first, after))
    _prime(context, page.rows)
    return page


async def history(
    context: Context, order: ServiceOrder, *, first: int | None, after: str | None
) -> Page[Event]:
    """The order's events in the order they happened (the order is already known readable)."""
    request = page_request(first, after, decode=decode_event_cursor)
    return await order_history(order.id, request)


def _prime(context: Context, orders: list[ServiceOrder]) -> None:
    for order in orders:
        context.loaders.order.prime(order.id, order)
