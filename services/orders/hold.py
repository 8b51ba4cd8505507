"""Holding an order in fulfilment (managers): no task of it starts until it is resumed.

Work already in progress goes on (it may be completed or reported as fallout) and READY tasks
stay READY: the hold stops only starts (services/tasks/rules.py, `can_be_started`), so resume
has nothing to restore but the order's own state. The order remembers what it was held from
and since when (services/held_time.py).
"""

from __future__ import annotations

from models import ServiceOrder, User
from models.enums import ServiceOrderState

# The module, not its function: the rollup imports this package (see decomposition.py).
from services import rollup
from services.events.kinds import EventKind
from services.events.recorders import record_order
from services.inputs import required_text
from services.locking import lock_order
from services.orders.rules import HOLDABLE_STATE, can_be_held
from services.policy import Action
from services.transitions import check_transition
from services.unit_of_work import unit_of_work


async def hold_service_order(
    actor: User, order_id: int, reason: str, *, expected_version: int | None = None
) -> ServiceOrder:
    async with unit_of_work(actor) as uow:
        order = await lock_order(order_id)
        check_transition(
            actor,
            Action.HOLD_ORDER,
            order,
            what="Service order",
            field="serviceOrderId",
            expected_version=expected_version,
            allowed=can_be_held(order),
            wrong_state=f"Only an {HOLDABLE_STATE.value} service order can be held; "
            f"{order.number} is {order.state.value}.",
        )
        reason = required_text(reason, field="reason", what="A reason for the hold")
        previous = order.state
        order.state = ServiceOrderState.HELD
        order.held_from = previous
        order.held_at = uow.started_at
        order.version += 1
        await order.save(update_fields=["state", "held_from", "held_at", "version", "updated_at"])
        record_order(
            uow, EventKind.SERVICE_ORDER_HELD, order, previous_state=previous, reason=reason
        )
        # No task moves; the rollup's end recomputes the schedule (its due dates wait too).
        await rollup.roll_up(uow, order, [])
    return order
