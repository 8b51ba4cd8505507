"""Whether a subscriber may see an event: services/policy.py's `can_read_event`, with the
orders it needs kept for the life of the subscription."""

from __future__ import annotations

from models import Event, ServiceOrder, User
from services.policy import can_read_event, reads_every_event

# What the read rules ask of an order (who submitted it) never changes, so orders are kept
# (rows, not answers: the rule may also ask about the event); the bound keeps a subscription
# that lives for weeks from growing without end.
_MAX_REMEMBERED_ORDERS = 1_000


class EventVisibility:
    def __init__(self, actor: User) -> None:
        self._actor = actor
        # A reader who may read every event needs no order loaded for any.
        self._everything = reads_every_event(actor)
        self._orders: dict[int, ServiceOrder | None] = {}

    async def allows(self, event: Event) -> bool:
        if self._everything:
            return True
        order = None
        if event.service_order_id is not None:
            order = await self._order(event.service_order_id)
            if order is None:
                return False
        return can_read_event(self._actor, event, order)

    async def _order(self, order_id: int) -> ServiceOrder | None:
        if order_id in self._orders:
            return self._orders[order_id]
        order = await ServiceOrder.get_or_none(id=order_id)
        if len(self._orders) >= _MAX_REMEMBERED_ORDERS:
            self._orders.clear()
        self._orders[order_id] = order
        return order
