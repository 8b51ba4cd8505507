"""Approving a new service order: the decision, then its decomposition, in one transaction."""

from __future__ import annotations

from models import ServiceOrder, User
from models.enums import ServiceOrderState
from services.locking import lock_order
from services.orders.decomposition import decompose_order
from services.orders.guards import check_expected_version, wrong_state
from services.orders.order_events import record_order_event
from services.orders.rules import DECIDABLE_STATE, can_be_approved
from services.policy import Action, require
from services.unit_of_work import unit_of_work


async def approve_service_order(
    actor: User, order_id: int, note: str | None = None, *, expected_version: int | None = None
) -> ServiceOrder:
    require(actor, Action.APPROVE_ORDER)
    note = (note or "").strip() or None
    async with unit_of_work(actor) as uow:
        # The lock makes a concurrent second approval wait, then find the order no longer NEW.
        order = await lock_order(order_id)
        check_expected_version(order, expected_version)
        if not can_be_approved(order):
            raise wrong_state(order, "approved", DECIDABLE_STATE)
        previous = order.state
        order.state = ServiceOrderState.ACKNOWLEDGED
        order.decided_by_id = actor.id
        order.decided_at = uow.started_at
        order.decision_reason = note
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
        record_order_event(uow, "service_order.approved", order, previous, note=note)
        await decompose_order(uow, order)
    return order
