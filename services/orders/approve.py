"""Approving a new service order: the decision, then its decomposition, in one transaction."""

from __future__ import annotations

from models import ServiceOrder, User
from models.enums import ServiceOrderState
from services.events.kinds import EventKind
from services.inputs import optional_text
from services.orders.decision import lock_for_decision, record_decision
from services.orders.decomposition import decompose_order
from services.orders.rules import DECIDABLE_STATE, can_be_approved
from services.policy import Action
from services.sold_products import lock_products_for_approval
from services.unit_of_work import unit_of_work


async def approve_service_order(
    actor: User, order_id: int, note: str | None = None, *, expected_version: int | None = None
) -> ServiceOrder:
    async with unit_of_work(actor) as uow:
        order = await lock_for_decision(
            actor,
            Action.APPROVE_ORDER,
            order_id,
            expected_version,
            allowed=can_be_approved,
            verb="approved",
            needed=DECIDABLE_STATE,
        )
        note = optional_text(note, field="note", what="A note")
        # Another order may have been approved for one of its products since it was submitted.
        await lock_products_for_approval(order)
        await record_decision(
            uow,
            order,
            EventKind.SERVICE_ORDER_APPROVED,
            ServiceOrderState.ACKNOWLEDGED,
            decided_by=actor,
            decision_reason=note,
            note=note,
        )
        await decompose_order(uow, order)
    return order
