"""Reading the fallout list."""

from __future__ import annotations

from models import FalloutRecord, ServiceOrder
from models.enums import FalloutState, FalloutType
from resolvers.arguments import filter_id, page_request, user_filter
from resolvers.context import Context
from services.queries.lists import FalloutFilter, list_fallouts
from services.queries.pagination import Page


async def fallouts(
    context: Context,
    *,
    state: FalloutState | None,
    type: FalloutType | None,
    assignee: str | None,
    service_order_id: str | None,
    first: int | None,
    after: str | None,
) -> Page[FalloutRecord]:
    where = FalloutFilter(
        state=state,
        type=type,
        assignee_id=user_filter(context, assignee, field="assignee"),
        service_order_id=filter_id(service_order_id, ServiceOrder, field="serviceOrderId"),
    )
    page = await list_fallouts(context.actor, where, page_request(first, after))
    context.loaders.prime_fallouts(page.rows)
    return page
