"""Rejecting a new service order: it goes back to the submitter for investigation, with a reason."""

from __future__ import annotations

from models import ServiceOrder, User
from models.enums import ServiceOrderState
from services.events.kinds import EventKind
from services.inputs import required_text
from services.orders.decision import lock_for_decision, record_decision
from services.orders.rules import DECIDABLE_STATE, can_be_rejected
from services.policy import Action
from services.unit_of_work import unit_of_work


async def reject_service_order(
    actor: User, order_id: int, reason: str, *, expected_version: int | None = None
) -> ServiceOrder:
    async with unit_of_work(actor) as uow:
        order = await lock_for_decision(
            actor,
            Action.REJECT_ORDER,
            order_id,
            expected_version,
            allowed=can_be_rejected,
            verb="rejected",
            needed=DECIDABLE_STATE,
        )
        reason = required_text(reason, field="reason", what="A reason for the rejection")
        await record_decision(
            uow,
            order,
            EventKind.SERVICE_ORDER_REJECTED,
            ServiceOrderState.REJECTED,
            decided_by=actor,
            decision_reason=reason,
            reason=reason,
        )
    return order
