"""Rolling task states up: task → domain order → line item → service order.

States and progress counters are recounted from the task rows with grouped queries on every
call, never incremented: the caller holds the order lock, so the count is exact and a lost
update cannot happen. Only the line items that contain a touched domain order are recounted
(their other domain orders included); the order itself is recounted whole. An event is
written only when a state actually changes.

Rollups are subtree-true (DESIGN, "The whole life of an order"): a domain order's state and
counters cover its own tasks and all its descendants', so a parent with no tasks of its own is
not COMPLETED while its children work; its own tasks are counted apart (`own_tasks_*`). A line
item's cover all its domain orders, the order's all its tasks. A subtree without any task has
nothing to wait for: it is COMPLETED as soon as it exists (decomposition rolls it up).

Cancellation (docs/design/lifecycle-and-installed-base.md, section 1): a line item or domain
order with `cancelled_at` set is CANCELLING while a task of it is open (its compensating tasks)
and CANCELLED once none is; a line item with `failed_at` (a fallout resolved FAIL_LINE_ITEM)
the same, ending FAILED. Cancelled tasks count for nothing; compensating tasks count like
any other work. The order's state follows its items by `order_state_from_items`
(services/orders/rules.py), the one rule for it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, cast

from tortoise.functions import Count, Sum

from models import DomainOrder, LineItem, ServiceOrder, Task
from models.enums import (
    TASK_DONE_STATES,
    TASK_FINAL_STATES,
    FulfillmentState,
    ServiceOrderState,
    TaskState,
)
from services.events.kinds import EventKind
from services.events.recorders import (
    record_domain_order,
    record_line_item,
    record_order,
)
from services.held_time import HOLD_FIELDS, end_hold
from services.orders.rules import FINAL_ORDER_STATES, order_state_from_items
from services.schedule.reschedule import reschedule
from services.sold_products import settle_sold_products
from services.unit_of_work import UnitOfWork

# A task in one of these states shows that work on its domain order has begun.
_WORK_BEGUN_STATES = frozenset(
    {TaskState.IN_PROGRESS, TaskState.ON_HOLD, TaskState.COMPLETED, TaskState.SKIPPED}
)
# Orders whose state the rollup owns; before IN_PROGRESS it belongs to approval.
_ROLLED_ORDER_STATES = frozenset(
    {
        ServiceOrderState.IN_PROGRESS,
        ServiceOrderState.HELD,
        ServiceOrderState.CANCELLING,
        ServiceOrderState.COMPLETED,
        ServiceOrderState.PARTIAL,
        ServiceOrderState.FAILED,
        ServiceOrderState.CANCELLED,
    }
)

# A line item reaching one of these applies (or gives up) its change to its sold product.
_SETTLED_ITEM_STATES = frozenset(
    {FulfillmentState.COMPLETED, FulfillmentState.CANCELLED, FulfillmentState.FAILED}
)

_DOMAIN_ORDER_FIELDS = ["state", "tasks_total", "tasks_done", "own_tasks_total", "own_tasks_done"]


@dataclass
class TaskTally:
    """How many tasks are in each state, and whether any of them was ever started."""

    by_state: Counter[TaskState] = field(default_factory=Counter)
    attempts: int = 0

    def add(self, other: TaskTally) -> None:
        self.by_state.update(other.by_state)
        self.attempts += other.attempts

    @property
    def total(self) -> int:
        """Tasks that count towards progress: all but the cancelled ones."""
        return sum(n for state, n in self.by_state.items() if state is not TaskState.CANCELLED)

    @property
    def done(self) -> int:
        return sum(self.by_state[state] for state in TASK_DONE_STATES)

    def fulfillment_state(self) -> FulfillmentState:
        """All final → COMPLETED (CANCELLED if all were cancelled); begun → IN_PROGRESS.

        A domain order without tasks has nothing to wait for and counts as COMPLETED. A
        retried task (back to READY with attempts) keeps its domain order IN_PROGRESS.
        """
        present = {state for state, n in self.by_state.items() if n}
        if present <= TASK_FINAL_STATES:
            if present == {TaskState.CANCELLED}:
                return FulfillmentState.CANCELLED
            return FulfillmentState.COMPLETED
        if present & _WORK_BEGUN_STATES or self.attempts:
            return FulfillmentState.IN_PROGRESS
        return FulfillmentState.PENDING

    def item_state(self) -> FulfillmentState:
        """For a line item nobody cancelled: as `fulfillment_state`, except that one whose
        every task a revision cancelled (its revised change has nothing to do) is COMPLETED,
        not CANCELLED: it was revised, not cancelled, and its change applies."""
        state = self.fulfillment_state()
        return FulfillmentState.COMPLETED if state is FulfillmentState.CANCELLED else state

    def cancelled_state(self, *, failed: bool = False) -> FulfillmentState:
        """For a cancelled line item or domain order: CANCELLING while any of its tasks is
        open (its compensating tasks: the others were cancelled), then CANCELLED; FAILED
        instead for a line item that failed (its work was stopped the same way)."""
        present = {state for state, n in self.by_state.items() if n}
        if present <= TASK_FINAL_STATES:
            return FulfillmentState.FAILED if failed else FulfillmentState.CANCELLED
        return FulfillmentState.CANCELLING


_Key = TypeVar("_Key", bound=Hashable)


def subtree_tallies(
    own: Mapping[_Key, TaskTally], parent_of: Mapping[_Key, _Key | None]
) -> dict[_Key, TaskTally]:
    """Each domain order's tally with all its descendants' added.

    `parent_of` maps every domain order to its parent and must list parents before their
    children (creation order does), so that one backwards pass adds every subtree up.
    """
    subtree: dict[_Key, TaskTally] = {}
    for key in parent_of:
        subtree[key] = TaskTally()
        subtree[key].add(own.get(key, TaskTally()))
    for key in reversed(list(parent_of)):
        parent = parent_of[key]
        if parent is not None:
            subtree[parent].add(subtree[key])
    return subtree


async def roll_up(
    uow: UnitOfWork,
    order: ServiceOrder,
    domain_order_ids: Iterable[int],
    *,
    line_item_ids: Iterable[int] = (),
) -> None:
    """Recount the domain orders and line items containing `domain_order_ids` (and the items
    `line_item_ids`), then the order, then recompute its schedule and jeopardy
    (services/schedule/reschedule.py).

    Call with the order locked, after changing the tasks of those domain orders: every change
    that can move the schedule rolls up, so the schedule is recomputed here and nowhere else.
    `line_item_ids`: items that may have no domain order to name them by (a MODIFY or DELETE
    with nothing to do is planned without any, and completes when rolled up).
    """
    touched = set(domain_order_ids)
    line_item_ids = set(line_item_ids)
    if touched:
        line_item_ids |= {
            cast(int, i)
            for i in await DomainOrder.filter(id__in=touched).values_list("line_item_id", flat=True)
        }
    if line_item_ids:
        # Ordered by position: parents before their children, as subtree_tallies needs.
        domain_orders = await DomainOrder.filter(line_item_id__in=line_item_ids).order_by(
            "position", "id"
        )
        tallies = await _tally_by_domain_order([d.id for d in domain_orders])
        await _roll_domain_orders(uow, order, domain_orders, tallies)
        await _roll_line_items(uow, order, line_item_ids, domain_orders, tallies)
    await _roll_order(uow, order)
    await reschedule(uow, order)


async def _tally_by_domain_order(domain_order_ids: list[int]) -> dict[int, TaskTally]:
    rows = (
        await Task.filter(domain_order_id__in=domain_order_ids)
        .annotate(n=Count("id"), attempts=Sum("attempts"))
        .group_by("domain_order_id", "state")
        .values("domain_order_id", "state", "n", "attempts")
    )
    tallies: dict[int, TaskTally] = defaultdict(TaskTally)
    for row in rows:
        tally = tallies[row["domain_order_id"]]
        tally.by_state[TaskState(row["state"])] += row["n"]
        tally.attempts += int(row["attempts"] or 0)
    return tallies


async def _roll_domain_orders(
    uow: UnitOfWork,
    order: ServiceOrder,
    domain_orders: list[DomainOrder],
    tallies: Mapping[int, TaskTally],
) -> None:
    subtrees = subtree_tallies(tallies, {d.id: d.parent_id for d in domain_orders})
    for domain_order in domain_orders:
        own = tallies.get(domain_order.id, TaskTally())
        previous = domain_order.state
        changed = _apply(domain_order, subtrees[domain_order.id])
        if (own.total, own.done) != (domain_order.own_tasks_total, domain_order.own_tasks_done):
            domain_order.own_tasks_total, domain_order.own_tasks_done = own.total, own.done
            changed = True
        if not changed:
            continue
        await domain_order.save(update_fields=_DOMAIN_ORDER_FIELDS)
        if domain_order.state != previous:
            record_domain_order(
                uow, EventKind.DOMAIN_ORDER_STATE_CHANGED, domain_order, previous_state=previous
            )


async def _roll_line_items(
    uow: UnitOfWork,
    order: ServiceOrder,
    line_item_ids: set[int],
    domain_orders: list[DomainOrder],
    tallies: Mapping[int, TaskTally],
) -> None:
    item_tallies: dict[int, TaskTally] = defaultdict(TaskTally)
    for domain_order in domain_orders:
        item_tallies[domain_order.line_item_id].add(tallies.get(domain_order.id, TaskTally()))
    finished: dict[int, LineItem] = {}
    for item in await LineItem.filter(id__in=line_item_ids):
        previous = item.state
        if not _apply(item, item_tallies[item.id]):
            continue
        await item.save(update_fields=["state", "tasks_total", "tasks_done"])
        if item.state == previous:
            continue
        record_line_item(uow, EventKind.LINE_ITEM_STATE_CHANGED, item, previous_state=previous)
        if item.state in _SETTLED_ITEM_STATES:
            finished[item.id] = item
    if finished:
        await settle_sold_products(uow, order, finished)


async def _roll_order(uow: UnitOfWork, order: ServiceOrder) -> None:
    rows = (
        await Task.filter(service_order_id=order.id)
        .annotate(n=Count("id"))
        .group_by("state")
        .values("state", "n")
    )
    tally = TaskTally(by_state=Counter({TaskState(row["state"]): row["n"] for row in rows}))
    previous = order.state
    state = previous
    if previous in _ROLLED_ORDER_STATES:
        items = await LineItem.filter(service_order_id=order.id).values_list("state", "failed_at")
        item_states = [FulfillmentState(cast(str, s)) for s, _ in items]
        failing = sum(1 for s, failed_at in items if s == FulfillmentState.CANCELLING and failed_at)
        state = order_state_from_items(item_states, failing=failing)
        if previous is ServiceOrderState.HELD and state is ServiceOrderState.IN_PROGRESS:
            # Held work goes on being held; only its end (a final state) ends the hold.
            state = previous
    if (state, tally.total, tally.done) == (previous, order.tasks_total, order.tasks_done):
        return
    order.tasks_total, order.tasks_done = tally.total, tally.done
    fields = ["tasks_total", "tasks_done", "updated_at"]
    if state != previous:
        order.state = state
        order.version += 1
        fields += ["state", "version"]
        if state in FINAL_ORDER_STATES:
            # Fulfilment ended (fully, partly or not at all).
            order.completed_at = uow.started_at
            fields.append("completed_at")
        if previous is ServiceOrderState.HELD:
            # Its work ended while held (final: DESIGN's "all final is final" wins over the
            # hold), or all of it was cancelled (CANCELLING: its compensation must start).
            end_hold(order, uow.started_at)
            fields += HOLD_FIELDS
    await order.save(update_fields=fields)
    if state != previous:
        record_order(uow, EventKind.SERVICE_ORDER_STATE_CHANGED, order, previous_state=previous)


def _apply(target: DomainOrder | LineItem, tally: TaskTally) -> bool:
    """Set state and counters from `tally`; whether anything changed.

    A cancelled one (`cancelled_at`) follows its compensation; it is never revived. A failed
    line item (`failed_at`) too, ending FAILED. The domain orders of a failed item were
    cancelled with its work (`cancelled_at`): they end CANCELLED, the failure is the item's."""
    failed = isinstance(target, LineItem) and target.failed_at is not None
    if target.cancelled_at is not None or failed:
        state = tally.cancelled_state(failed=failed)
    elif isinstance(target, LineItem):
        state = tally.item_state()
    else:
        state = tally.fulfillment_state()
    new = (state, tally.total, tally.done)
    if new == (target.state, target.tasks_total, target.tasks_done):
        return False
    target.state, target.tasks_total, target.tasks_done = new
    return True
