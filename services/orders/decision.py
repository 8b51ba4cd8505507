"""The bookkeeping every decision on a service order shares (approve, reject, reopen): the order
locked and checked, then its state and decision fields set, its version bumped and its event
recorded, in the caller's unit of work. What each decision allows and does beyond that stays in
its own file."""

from __future__ import annotations

from collections.abc import Callable

from models import ServiceOrder, User
from models.enums import ServiceOrderState
from services.events.kinds import EventKind
from services.events.recorders import Detail, record_order
from services.locking import lock_order
from services.policy import Action
from services.transitions import check_transition
from services.unit_of_work import UnitOfWork

_DECISION_FIELDS = [
    "state",
    "decided_by_id",
    "decided_at",
    "decision_reason",
    "version",
    "updated_at",
]


async def lock_for_decision(
    actor: User,
    action: Action,
    order_id: int,
    expected_version: int | None,
    *,
    allowed: Callable[[ServiceOrder], bool],
    verb: str,
    needed: ServiceOrderState,
) -> ServiceOrder:
    """The order, locked, once `actor` may take the decision on the order as they saw it and
    `allowed` (orders/rules.py) holds for its state."""
    # The lock makes a concurrent second decision wait, then find the order's state changed.
    order = await lock_order(order_id)
    check_transition(
        actor,
        action,
        order,
        what="Service order",
        field="serviceOrderId",
        expected_version=expected_version,
        allowed=allowed(order),
        wrong_state=f"Only a {needed.value} service order can be {verb}; "
        f"{order.number} is {order.state.value}.",
    )
    return order


async def record_decision(
    uow: UnitOfWork,
    order: ServiceOrder,
    kind: EventKind,
    state: ServiceOrderState,
    *,
    decided_by: User | None,
    decision_reason: str | None,
    **details: Detail,
) -> None:
    """Move `order` to `state`, decided by `decided_by` now (or undecided, for None), and record
    `kind` with `details`."""
    previous = order.state
    order.state = state
    order.decided_by_id = None if decided_by is None else decided_by.id
    order.decided_at = None if decided_by is None else uow.started_at
    order.decision_reason = decision_reason
    order.version += 1
    await order.save(update_fields=_DECISION_FIELDS)
    record_order(uow, kind, order, previous_state=previous, **details)
