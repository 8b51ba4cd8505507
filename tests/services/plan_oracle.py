"""What the rollup should say, worked out independently from the task rows in plain Python.

The tests compare the stored states and counters of domain orders, line items and the order
with this, so the rollup is checked against the rule, not against itself. A domain order's
state and counters are its whole subtree's (found here by walking parent links upwards, not
as the rollup does), its own counters its own tasks'.
"""

from __future__ import annotations

from collections.abc import Sequence

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


async def expected_vs_stored(order_id: int) -> tuple[dict[str, object], dict[str, object]]:
    """(expected, stored) state and counters of every level of the order, keyed alike."""
    tasks = await Task.filter(service_order_id=order_id)
    domain_orders = await DomainOrder.filter(service_order_id=order_id)
    items = await LineItem.filter(service_order_id=order_id)
    products = {
        p.line_item_id: p for p in await SoldProduct.filter(line_item__service_order_id=order_id)
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
    for item in items:
        mine = [t for t in tasks if item_of[t.domain_order_id] == item.id]
        state = rolled_state(mine) if item.cancelled_at is None else cancelled_state(mine)
        item_states.append(state)
        expected[f"LI {item.id}"] = (state, *counters(mine))
        stored[f"LI {item.id}"] = (str(item.state), item.tasks_total, item.tasks_done)
        product = "PENDING"
        if state == "COMPLETED":
            product = "CANCELLED" if item.action == LineItemAction.DELETE else "ACTIVE"
        elif state == "CANCELLED":
            product = "CANCELLED"
        expected[f"SP of LI {item.id}"] = product
        stored[f"SP of LI {item.id}"] = str(products[item.id].state)
    if all(s in {"COMPLETED", "CANCELLED", "FAILED"} for s in item_states):
        if all(s == "COMPLETED" for s in item_states):
            order_state = "COMPLETED"
        elif all(s == "FAILED" for s in item_states):
            order_state = "FAILED"
        elif all(s == "CANCELLED" for s in item_states):
            order_state = "CANCELLED"
        else:
            order_state = "PARTIAL"
    elif all(s in {"CANCELLING", "CANCELLED"} for s in item_states):
        order_state = "CANCELLING"
    else:
        # Work not all final: in progress, or held (a hold is the manager's, not the tasks':
        # the order remembers it in held_from, which the stateful test checks against its
        # state). A hold ends with the last work, whatever the manager did.
        order_state = "IN_PROGRESS" if order.held_from is None else "HELD"
    expected["order"] = (order_state, *counters(tasks))
    stored["order"] = (str(order.state), order.tasks_total, order.tasks_done)
    return expected, stored
