"""Whether a subscriber may see an event: services/queries/scoping.py's rule, with the order
lookups it needs kept for the life of the subscription."""

from __future__ import annotations

from models import Event, ServiceOrder, User
from services.policy import sees_only_own_orders
from services.queries.scoping import can_read_event

# Who submitted an order never changes, so answers are kept; the bound keeps a subscription
# that lives for weeks from growing without end.
_MAX_REMEMBERED_ORDERS = 10_000


class EventVisibility:
    def __init__(self, actor: User) -> None:
        self._actor = actor
        self._everything = not sees_only_own_orders(actor)
        self._orders: dict[int, bool] = {}

    async def allows(self, event: Event) -> bool:
        if self._everything or event.service_order_id is None:
            return can_read_event(self._actor, event, None)
        order_id = event.service_order_id
        allowed = self._orders.get(order_id)
        if allowed is None:
            order = await ServiceOrder.get_or_none(id=order_id)
            allowed = order is not None and can_read_event(self._actor, event, order)
            if len(self._orders) >= _MAX_REMEMBERED_ORDERS:
                self._orders.clear()
            self._orders[order_id] = allowed
        return allowed
