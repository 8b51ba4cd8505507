"""Resuming a held order (managers): it returns to the state it was held from, and the hold's
length is added to the order's held time (services/held_time.py)."""

from __future__ import annotations

from models import ServiceOrder, User

# The module, not its function: the rollup imports this package (see decomposition.py).
from services import rollup
from services.events.kinds import EventKind
from services.events.recorders import record_order
from services.held_time import HOLD_FIELDS, end_hold
from services.inputs import optional_text
from services.locking import lock_order
from services.orders.rules import RESUMABLE_STATE, can_be_resumed
from services.policy import Action
from services.transitions import check_transition
from services.unit_of_work import unit_of_work


async def resume_service_order(
    actor: User, order_id: int, note: str | None = None, *, expected_version: int | None = None
) -> ServiceOrder:
    async with unit_of_work(actor) as uow:
        order = await lock_order(order_id)
        check_transition(
            actor,
            Action.RESUME_ORDER,
            order,
            what="Service order",
            field="serviceOrderId",
            expected_version=expected_version,
            allowed=can_be_resumed(order),
            wrong_state=f"Only a {RESUMABLE_STATE.value} service order can be resumed; "
            f"{order.number} is {order.state.value}.",
        )
        note = optional_text(note, field="note", what="A note")
        previous = order.state
        order.state = end_hold(order, uow.started_at)
        order.version += 1
        await order.save(update_fields=["state", *HOLD_FIELDS, "version", "updated_at"])
        record_order(
            uow,
            EventKind.SERVICE_ORDER_RESUMED,
            order,
            previous_state=previous,
            note=note,
            restoredState=order.state.value,
        )
        # No task moves; the rollup's end recomputes the schedule (the hold's time added).
        await rollup.roll_up(uow, order, [])
    return order
