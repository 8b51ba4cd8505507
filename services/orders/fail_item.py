"""A line item fails: its fallout was resolved FAIL_LINE_ITEM ("this work cannot be done").

The rules (docs/design/lifecycle-and-installed-base.md, section 1, "Failure"):
- decided by a manager resolving an open fallout (services/fallouts/resolve.py checks who,
  the version, the state and the note, in the one order of checks, before calling this);
- refused (INVALID_STATE) for an item cancelled or failed already, or final, and for a fallout
  on a compensating task: undoing work is not the item's own work, so it cannot fail the item
  (SKIP_TASK gives the undoing up). Allowed past the point of no return: a failure is not the
  customer's change;
- the item's work is stopped exactly as a cancellation stops it (`cancel.stop_planned_items`:
  re-planned to nothing by `plan_cancellation`, written by `plan_changes.write_plan_changes`):
  its unfinished tasks CANCELLED (their open fallouts too, their assignees told, worker locks
  ended), its completed tasks with a compensator undone in reverse order. The mark is
  `failed_at` instead of `cancelled_at`, so the rollup makes the item CANCELLING while the
  compensation runs and FAILED (not CANCELLED) after; the order follows its items
  (`order_state_from_items`): FAILED alone, PARTIAL beside completed work, and IN_PROGRESS
  (not CANCELLING: nobody cancelled it) while a failed item's undoing is all that is left;
- the sold product: an ADD's PENDING product is CANCELLED, a MODIFY's or DELETE's change is
  given up (the rollup settles it when the item reaches FAILED);
- one `line_item.failed` event (the reason, the fallout and its task) for the decision, then
  the usual events of each state that changes.
"""

from __future__ import annotations

from models import FalloutRecord, LineItem, ServiceOrder, Task
from services.events.kinds import EventKind
from services.events.recorders import record_line_item
from services.fallouts.rules import can_fail_line_item
from services.orders import rules
from services.unit_of_work import UnitOfWork

_MARK_FIELDS = ("failed_at", "failure_reason")


async def line_item_of(task: Task) -> LineItem:
    """The line item whose plan holds `task`."""
    return await LineItem.get(domain_orders__id=task.domain_order_id)


def can_fail(item: LineItem, fallout: FalloutRecord, task: Task) -> bool:
    """Whether resolving `fallout` (of `task`) with FAIL_LINE_ITEM may fail `item`: what
    `viewerCan.failLineItem` says (fallouts/rules.py), and the item's own state."""
    return can_fail_line_item(fallout, task) and rules.item_can_fail(item)


def why_it_cannot_fail(order: ServiceOrder, item: LineItem, task: Task) -> str:
    """The refusal of `can_fail` ("" when it can)."""
    where = f"Line item {item.position + 1} of {order.number}"
    if rules.has_failed(item):
        return f"{where} is {item.state.value}: it failed already."
    if rules.is_cancelled(item):
        return f"{where} is {item.state.value}: it was cancelled, there is nothing left to fail."
    if item.state in rules.FINAL_ITEM_STATES:
        return f"{where} is {item.state.value}: there is nothing left to fail."
    if task.compensates_id is not None:
        return (
            f"Task {task.number} undoes earlier work: it cannot fail its line item. Resolve "
            "it SKIP_TASK to give the undoing up."
        )
    return ""


async def fail_line_item(
    uow: UnitOfWork,
    order: ServiceOrder,
    item: LineItem,
    *,
    reason: str,
    fallout: FalloutRecord,
    task: Task,
) -> None:
    """Fail `item` (checked with `can_fail`), in the caller's unit of work with the order
    locked; `fallout` (resolved already) and its `task` are what failed it."""
    # Imported here: the stopping path reaches the task services, which import the rollup,
    # which imports services/orders/rules.py (as revise.py imports revise_in_flight).
    from services.orders.cancel import stop_planned_items

    item.failed_at = uow.started_at
    item.failure_reason = reason
    record_line_item(
        uow,
        EventKind.LINE_ITEM_FAILED,
        item,
        previous_state=item.state,
        reason=reason,
        falloutId=fallout.id,
        falloutNumber=fallout.number,
        taskId=task.id,
        taskNumber=task.number,
    )
    await stop_planned_items(uow, order, [item], reason, mark_fields=_MARK_FIELDS)
