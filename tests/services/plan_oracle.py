"""What the rollup should say, worked out independently from the task rows in plain Python.

The tests compare the stored states and counters of domain orders, line items and the order
with this, so the rollup is checked against the rule, not against itself. A domain order's
state and counters are its whole subtree's (found here by walking parent links upwards, not
as the rollup does), its own counters its own tasks'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.expressions import Q

from models import DomainOrder, LineItem, ServiceOrder, SoldProduct, Task
from models.enums import LineItemAction

DONE = {"COMPLETED", "SKIPPED"}
FINAL = {"COMPLETED", "SKIPPED", "CANCELLED"}
BEGUN = {"IN_PROGRESS", "ON_HOLD", "COMPLETED", "SKIPPED"}


def rolled_state(tasks: Sequence[Task]) -> str:
    states = [str(t.state) for t in tasks]
    if all(s in FINAL for s in states):
        return "CANCELLED" if states and all(s == "CANCELLED" for s in states) else "COMPLETED"
    if any(s in BEGUN for s in states) or any(t.attempts for t in tasks):
        return "IN_PROGRESS"
    return "PENDING"


def cancelled_state(tasks: Sequence[Task]) -> str:
    """A cancelled item or domain order: CANCELLING while a task of it (a compensation) is
    open, then CANCELLED."""
    return "CANCELLED" if all(str(t.state) in FINAL for t in tasks) else "CANCELLING"


def counters(tasks: Sequence[Task]) -> tuple[int, int]:
    states = [str(t.state) for t in tasks]
    return sum(s != "CANCELLED" for s in states), sum(s in DONE for s in states)


def product_implied(
    item: LineItem, state: str, before: dict[str, Any] | None
) -> tuple[str, dict[str, Any]]:
    """The state and characteristics of the item's product that its own state implies: an ADD
    makes it ACTIVE with its characteristics (CANCELLED if cancelled or failed), a MODIFY gives
    it its characteristics, a DELETE makes it TERMINATED; until then (or if cancelled or
    failed) a changed product is as it was."""
    if item.action == LineItemAction.ADD:
        if state == "COMPLETED":
            return "ACTIVE", item.characteristics
        return ("CANCELLED" if state in {"CANCELLED", "FAILED"} else "PENDING"), {}
    assert before is not None
    if state != "COMPLETED":
        return "ACTIVE", before
    if item.action == LineItemAction.MODIFY:
        return "ACTIVE", item.characteristics
    return "TERMINATED", before


async def characteristics_before(
    order_id: int, items: Sequence[LineItem]
) -> dict[int, dict[str, Any]]:
    """For each MODIFY or DELETE item, its product's characteristics before this order: those of
    the last completed item (ADD or MODIFY) of another order that set them."""
    found: dict[int, dict[str, Any]] = {}
    for item in items:
        if item.changed_product_id is None:
            continue
        product = await SoldProduct.get(id=item.changed_product_id)
        setters = [
            i
            for i in await LineItem.filter(
                Q(id=product.line_item_id) | Q(changed_product_id=product.id, action="MODIFY"),
                state="COMPLETED",
            )
            .exclude(service_order_id=order_id)
            .order_by("id")
        ]
        found[item.id] = setters[-1].characteristics if setters else {}
    return found


async def expected_vs_stored(order_id: int) -> tuple[dict[str, object], dict[str, object]]:
    """(expected, stored) state and counters of every level of the order, keyed alike."""
    tasks = await Task.filter(service_order_id=order_id)
    domain_orders = await DomainOrder.filter(service_order_id=order_id)
    items = await LineItem.filter(service_order_id=order_id)
    # What each changed product had before the order: its ADD item's characteristics, or the
    # last completed MODIFY's before this order.
    before = await characteristics_before(order_id, items)
    products = {
        p.line_item_id: p for p in await SoldProduct.filter(line_item__service_order_id=order_id)
    }
    changed = {
        p.id: p
        for p in await SoldProduct.filter(
            id__in=[i.changed_product_id for i in items if i.changed_product_id]
        )
    }
    order = await ServiceOrder.get(id=order_id)
    expected: dict[str, object] = {}
    stored: dict[str, object] = {}
    item_of = {d.id: d.line_item_id for d in domain_orders}
    parent_of = {d.id: d.parent_id for d in domain_orders}

    def ancestry(domain_order_id: int | None) -> set[int]:
        found: set[int] = set()
        while domain_order_id is not None:
            found.add(domain_order_id)
            domain_order_id = parent_of[domain_order_id]
        return found

    above = {t.id: ancestry(t.domain_order_id) for t in tasks}
    for d in domain_orders:
        subtree = [t for t in tasks if d.id in above[t.id]]
        own = [t for t in tasks if t.domain_order_id == d.id]
        state = rolled_state(subtree) if d.cancelled_at is None else cancelled_state(subtree)
        expected[f"DO {d.id}"] = (state, *counters(subtree), *counters(own))
        stored[f"DO {d.id}"] = (
            str(d.state),
            d.tasks_total,
            d.tasks_done,
            d.own_tasks_total,
            d.own_tasks_done,
        )
    item_states = []
    undoing_a_cancellation = False
    for item in items:
        mine = [t for t in tasks if item_of[t.domain_order_id] == item.id]
        if item.cancelled_at is None and item.failed_at is None:
            state = rolled_state(mine)
            if state == "CANCELLED":
                state = "COMPLETED"  # revised to nothing to do: revised, not cancelled
        else:
            state = cancelled_state(mine)
            # A failed item's work was stopped as a cancellation stops it; it ends FAILED.
            if item.failed_at is not None and state == "CANCELLED":
                state = "FAILED"
        item_states.append(state)
        undoing_a_cancellation |= state == "CANCELLING" and item.failed_at is None
        expected[f"LI {item.id}"] = (state, *counters(mine))
        stored[f"LI {item.id}"] = (str(item.state), item.tasks_total, item.tasks_done)
        expected[f"SP of LI {item.id}"] = product_implied(item, state, before.get(item.id))
        product = products.get(item.id) or changed.get(item.changed_product_id or 0)
        stored[f"SP of LI {item.id}"] = (
            None if product is None else (str(product.state), product.characteristics)
        )
    if all(s in {"COMPLETED", "CANCELLED", "FAILED"} for s in item_states):
        if all(s == "COMPLETED" for s in item_states):
            order_state = "COMPLETED"
        elif all(s == "FAILED" for s in item_states):
            order_state = "FAILED"
        elif all(s == "CANCELLED" for s in item_states):
            order_state = "CANCELLED"
        else:
            order_state = "PARTIAL"
    elif undoing_a_cancellation and all(
        s in {"CANCELLING", "CANCELLED", "COMPLETED", "FAILED"} for s in item_states
    ):
        # nothing left but undoing work, some of it a cancellation's (a failed item's undoing
        # alone leaves the order IN_PROGRESS: nobody cancelled it)
        order_state = "CANCELLING"
    else:
        # Work not all final: in progress, or held (a hold is the manager's, not the tasks':
        # the order remembers it in held_from, which the stateful test checks against its
        # state). A hold ends with the last work, whatever the manager did.
        order_state = "IN_PROGRESS" if order.held_from is None else "HELD"
    expected["order"] = (order_state, *counters(tasks))
    stored["order"] = (str(order.state), order.tasks_total, order.tasks_done)
    return expected, stored
