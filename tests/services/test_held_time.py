"""held_time: what a hold adds to an order's held time, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import ServiceOrder
from models.enums import ServiceOrderState
from services.held_time import end_hold, held_seconds_until

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def held_order(held_seconds: int = 0) -> ServiceOrder:
    return ServiceOrder(
        state=ServiceOrderState.HELD,
        held_from=ServiceOrderState.IN_PROGRESS,
        held_at=T0,
        held_seconds=held_seconds,
    )


def test_ending_a_hold_adds_its_length_and_clears_its_marks() -> None:
    order = held_order(held_seconds=60)

    restored = end_hold(order, T0 + timedelta(minutes=5))

    assert restored is ServiceOrderState.IN_PROGRESS
    assert (order.held_seconds, order.held_from, order.held_at) == (360, None, None)


def test_the_held_time_so_far_counts_the_current_hold() -> None:
    order = held_order(held_seconds=60)

    assert held_seconds_until(order, T0 + timedelta(seconds=30)) == 90
