"""How long an order has stood still: the bookkeeping of a hold, shared by resume and the rollup.

A hold starts with `ServiceOrder.held_at` and `held_from` set (services/orders/hold.py) and
ends either by resume (services/orders/resume.py) or when the order's last work finishes while
held (services/rollup.py: an order whose work is all final is final, hold or not). Either way
its length is added to `held_seconds`, so that the schedule can shift planned dates by the time
the order was held without reading its events: `held_seconds`, plus `now - held_at` while held.
"""

from __future__ import annotations

from datetime import datetime

from models import ServiceOrder
from models.enums import ServiceOrderState

# The columns `end_hold` changes, for `save(update_fields=...)`.
HOLD_FIELDS = ("held_from", "held_at", "held_seconds")


def end_hold(order: ServiceOrder, at: datetime) -> ServiceOrderState:
    """Close the order's current hold at `at`: its length added up, its marks cleared. Returns
    the state it was held from (IN_PROGRESS for a row that lost it: only that can be held)."""
    restored = order.held_from or ServiceOrderState.IN_PROGRESS
    if order.held_at is not None:
        order.held_seconds += max(0, int((at - order.held_at).total_seconds()))
    order.held_from = None
    order.held_at = None
    return restored


def held_seconds_until(order: ServiceOrder, now: datetime) -> int:
    """Every second the order was held up to `now`, the current hold included."""
    current = 0 if order.held_at is None else max(0, int((now - order.held_at).total_seconds()))
    return order.held_seconds + current
