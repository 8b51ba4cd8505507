"""Reopening a rejected service order: it is NEW again and awaits a fresh decision."""

from __future__ import annotations

from models import ServiceOrder, User
from models.enums import ServiceOrderState
from services.locking import lock_order
from services.orders.guards import check_expected_version, wrong_state
from services.orders.order_events import record_order_event
from services.orders.rules import REOPENABLE_STATE, can_be_reopened
from services.policy import Action, require
from services.unit_of_work import unit_of_work


async def reopen_service_order(
    actor: User, order_id: int, note: str | None = None, *, expected_version: int | None = None
) -> ServiceOrder:
    require(actor, Action.REOPEN_ORDER)
    note = (note or "").strip() or None
    async with unit_of_work(actor) as uow:
        order = await lock_order(order_id)
        check_expected_version(order, expected_version)
        if not can_be_reopened(order):
            raise wrong_state(order, "reopened", REOPENABLE_STATE)
        previous = order.state
        rejection = order.decision_reason
        # The order awaits a new decision; the rejection stays in its history (the events).
        order.state = ServiceOrderState.NEW
        order.decided_by_id = None
        order.decided_at = None
        order.decision_reason = None
        order.version += 1
        await order.save(
            update_fields=[
                "state",
                "decided_by_id",
                "decided_at",
                "decision_reason",
                "version",
                "updated_at",
            ]
        )
        record_order_event(
            uow, "service_order.reopened", order, previous, note=note, rejectionReason=rejection
        )
    return order
