"""Rejecting a new service order: it goes back to the submitter for investigation, with a reason."""

from __future__ import annotations

from models import ServiceOrder, User
from models.enums import ServiceOrderState
from services.locking import lock_order
from services.orders.guards import check_expected_version, wrong_state
from services.orders.order_events import record_order_event
from services.orders.rules import DECIDABLE_STATE, can_be_rejected
from services.policy import Action, require
from services.unit_of_work import unit_of_work
from services.users import require_text


async def reject_service_order(
    actor: User, order_id: int, reason: str, *, expected_version: int | None = None
) -> ServiceOrder:
    require(actor, Action.REJECT_ORDER)
    reason = require_text(reason, field="reason", what="A reason for the rejection")
    async with unit_of_work(actor) as uow:
        order = await lock_order(order_id)
        check_expected_version(order, expected_version)
        if not can_be_rejected(order):
            raise wrong_state(order, "rejected", DECIDABLE_STATE)
        previous = order.state
        order.state = ServiceOrderState.REJECTED
        order.decided_by_id = actor.id
        order.decided_at = uow.started_at
        order.decision_reason = reason
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
        record_order_event(uow, "service_order.rejected", order, previous, reason=reason)
    return order
