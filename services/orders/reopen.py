"""Reopening a rejected service order: it is NEW again and awaits a fresh decision."""

from __future__ import annotations

from models import ServiceOrder, User
from models.enums import ServiceOrderState
from services.events.kinds import EventKind
from services.inputs import optional_text
from services.orders.decision import lock_for_decision, record_decision
from services.orders.rules import REOPENABLE_STATE, can_be_reopened
from services.policy import Action
from services.unit_of_work import unit_of_work


async def reopen_service_order(
    actor: User, order_id: int, note: str | None = None, *, expected_version: int | None = None
) -> ServiceOrder:
    async with unit_of_work(actor) as uow:
        order = await lock_for_decision(
            actor,
            Action.REOPEN_ORDER,
            order_id,
            expected_version,
            allowed=can_be_reopened,
            verb="reopened",
            needed=REOPENABLE_STATE,
        )
        note = optional_text(note, field="note", what="A note")
        rejection = order.decision_reason
        # The order awaits a new decision; the rejection stays in its history (the events).
        await record_decision(
            uow,
            order,
            EventKind.SERVICE_ORDER_REOPENED,
            ServiceOrderState.NEW,
            decided_by=None,
            decision_reason=None,
            note=note,
            rejectionReason=rejection,
        )
    return order
