"""Random operations by random people on an approved demo order keep the plan consistent.

Hypothesis draws a sequence of steps: an operation, who tries it (someone entitled to, or any
demo user), which task or fallout it targets, and how a fallout is resolved. After each step:
- a refused step changed no row and wrote no event;
- a step that went through wrote exactly its own events, plus one event for every state that
  changed as a consequence (task.ready, *.state_changed), and no event without a change;
- a task's or fallout's version went up by exactly the number of its events;
- every rollup state, counter and sold product equals what the task rows imply;
- READY/PENDING agree with the predecessors, ON_HOLD with an open fallout, and every number
  is unique.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from models import ServiceOrder, Task, TaskDependency, User
from models.enums import FalloutAction, FalloutState, FalloutType, TaskState
from services.catalog import DEMO_CATALOG_PATH, CatalogDocument, install_catalog, load_catalog
from services.errors import DomainError
from services.fallouts import create_fallout, reassign_fallout, resolve_fallout
from services.orders import LineItemInput
from services.seed import create_demo_users
from services.tasks import complete_task, reassign_task, start_task
from tests.conftest import empty_all_tables
from tests.services.plan_oracle import expected_vs_stored
from tests.services.task_plans import agent_for, approved_order, snapshot

USERNAMES = ("manager", "agent1", "agent2", "viewer", "partner", "admin")
# Who tries a step: mostly (three times in four) someone entitled to it (None), else anyone.
ACTORS: tuple[str | None, ...] = (None,) * 3 * len(USERNAMES) + USERNAMES
# Starting and completing come up three times as often, so that plans get somewhere.
OPERATIONS = (
    *("start", "complete") * 3,
    "reassign_task",
    "create_fallout",
    "reassign_fallout",
    "resolve_fallout",
)
RESOLUTION_KIND = {
    FalloutAction.RETRY_TASK: "task.retried",
    FalloutAction.COMPLETE_TASK: "task.completed",
    FalloutAction.SKIP_TASK: "task.skipped",
}
# Snapshot table → the entity_type its events carry.
ENTITY_TYPES = {
    "order": "service_order",
    "line_item": "line_item",
    "sold_product": "sold_product",
    "domain_order": "domain_order",
    "task": "task",
    "fallout": "fallout",
}
# Columns that change without a version bump: progress counters follow every task move.
UNVERSIONED = {"version", "updated_at", "tasks_total", "tasks_done"}
Rows = dict[str, list[dict[str, Any]]]


@cache
def demo_catalog() -> CatalogDocument:
    # Not the fixture: Hypothesis prints every argument of a failing example.
    return load_catalog(DEMO_CATALOG_PATH)


@dataclass(frozen=True)
class Step:
    operation: str
    actor: str | None  # None: someone entitled to do it
    pick: int  # which of the candidate tasks or fallouts
    action: FalloutAction


steps = st.builds(
    Step,
    operation=st.sampled_from(OPERATIONS),
    actor=st.sampled_from(ACTORS),
    pick=st.integers(0, 99),
    action=st.sampled_from(list(FalloutAction)),
)


def by_id(rows: Rows, table: str) -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in rows[table]}


def choose(candidates: list[dict[str, Any]], pick: int) -> dict[str, Any]:
    return candidates[pick % len(candidates)]


T, F = TaskState, FalloutState
# What each operation acts on, and the states in which it is legal.
TARGETS: dict[str, tuple[str, frozenset[str]]] = {
    "start": ("task", frozenset({T.READY})),
    "complete": ("task", frozenset({T.IN_PROGRESS})),
    "resolve_fallout": ("fallout", frozenset({F.OPEN, F.IN_PROGRESS})),
    "create_fallout": ("task", frozenset({T.PENDING, T.READY, T.IN_PROGRESS})),
    "reassign_task": ("task", frozenset({T.PENDING, T.READY, T.IN_PROGRESS, T.ON_HOLD})),
    "reassign_fallout": ("fallout", frozenset({F.OPEN, F.IN_PROGRESS})),
}
IN_TURN = list(TARGETS)


def target(step: Step, rows: Rows) -> tuple[str, dict[str, Any]] | None:
    """The operation to try and its target row.

    One step in ten aims at any row, whatever its state. The others take a row in a legal
    state, passing to the next operation in turn when there is none, so that plans advance.
    """
    if step.pick >= 90:
        table, _ = TARGETS[step.operation]
        return (step.operation, choose(rows[table], step.pick)) if rows[table] else None
    first = IN_TURN.index(step.operation)
    for operation in IN_TURN[first:] + IN_TURN[:first]:
        table, states = TARGETS[operation]
        legal = [row for row in rows[table] if row["state"] in states]
        if legal:
            return operation, choose(legal, step.pick)
    return None


class Run:
    """One example: the demo users, the order, and the steps applied to it."""

    def __init__(self, users: dict[str, User], order_id: int) -> None:
        self.users = users
        self.order_id = order_id
        self.predecessors: dict[int, set[int]] = defaultdict(set)
        self.by_id = {user.id: user for user in users.values()}

    async def load_dependencies(self) -> None:
        for link in await TaskDependency.filter(task__service_order_id=self.order_id):
            self.predecessors[link.task_id].add(link.depends_on_id)

    async def apply(
        self, step: Step, operation: str, row: dict[str, Any], rows: Rows
    ) -> Counter[str]:
        """Try `operation` on `row`; the events it should write itself."""
        agent = (self.users["agent1"], self.users["agent2"])[step.pick % 2]
        manager = self.users["manager"]
        assignee = self.by_id.get(row["assignee_id"])

        def actor(entitled: User) -> User:
            return entitled if step.actor is None else self.users[step.actor]

        if operation == "start":
            entitled = await agent_for(await Task.get(id=row["id"]), self.users)
            await start_task(actor(entitled), row["id"])
            return Counter({"task.started": 1})
        if operation == "complete":
            await complete_task(actor(assignee or agent), row["id"], "done")
            return Counter({"task.completed": 1})
        if operation == "reassign_task":
            await reassign_task(actor(manager), row["id"], agent.id, "balance the load")
            return Counter({"task.reassigned": 1})
        if operation == "create_fallout":
            await create_fallout(actor(assignee or manager), row["id"], FalloutType.OTHER, "no")
            return Counter({"fallout.created": 1, "task.on_hold": 1})
        if operation == "reassign_fallout":
            task = by_id(rows, "task")[row["task_id"]]
            await reassign_fallout(actor(manager), row["id"], agent.id)
            moves_task = task["assignee_id"] != agent.id
            return Counter({"fallout.reassigned": 1, "task.reassigned": moves_task})
        await resolve_fallout(actor(manager), row["id"], step.action, "fixed")
        return Counter({"fallout.resolved": 1, RESOLUTION_KIND[step.action]: 1})

    def check_invariants(self, rows: Rows) -> None:
        tasks = by_id(rows, "task")
        done = {i for i, t in tasks.items() if t["state"].value in {"COMPLETED", "SKIPPED"}}
        open_fallouts = Counter(
            f["task_id"] for f in rows["fallout"] if f["state"].value in {"OPEN", "IN_PROGRESS"}
        )
        for task_id, task in tasks.items():
            waiting = not self.predecessors[task_id] <= done
            if task["state"] is TaskState.READY:
                assert not waiting, f"{task['number']} is READY before its predecessors"
            if task["state"] is TaskState.PENDING:
                assert waiting, f"{task['number']} stays PENDING with its predecessors done"
            if task["state"] is TaskState.IN_PROGRESS:
                assert task["assignee_id"] is not None
            on_hold = task["state"] is TaskState.ON_HOLD
            assert open_fallouts[task_id] == int(on_hold), f"{task['number']} hold vs fallout"
        for table in ("task", "domain_order", "fallout"):
            numbers = [row["number"] for row in rows[table]]
            assert len(set(numbers)) == len(numbers)
        assert sorted(f["number"] for f in rows["fallout"]) == [
            f"FO{n:07d}" for n in range(1, len(rows["fallout"]) + 1)
        ]


def check_events(before: Rows, after: Rows, own: Counter[str]) -> None:
    """The step's events: its own, plus exactly one per consequential state change."""
    new_events = after["event"][len(before["event"]) :]
    assert before["event"] == after["event"][: len(before["event"])]
    events_of: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for new_event in new_events:
        events_of[new_event["entity_type"], new_event["entity_id"]].append(new_event)
    consequences: Counter[str] = Counter()
    for table, entity_type in ENTITY_TYPES.items():
        old, new = by_id(before, table), by_id(after, table)
        for row_id, row in new.items():
            was = old.get(row_id)
            previous = None if was is None else str(was["state"])
            events = events_of[entity_type, row_id]
            changes = [
                (e["previous_state"], e["new_state"])
                for e in events
                if e["previous_state"] != e["new_state"]
            ]
            if previous != str(row["state"]):
                assert changes == [(previous, str(row["state"]))], (table, row_id, events)
            else:
                assert changes == [], (table, row_id, events)
            if "version" in row and was is not None:
                moved = {k for k in row if row[k] != was[k]} - UNVERSIONED
                assert row["version"] - was["version"] == len(events), (table, row_id)
                assert events or not moved, f"{table} {row_id} changed without an event"
        consequences.update(
            e["kind"]
            for e in new_events
            if e["entity_type"] == entity_type and e["kind"].endswith(("state_changed", "ready"))
        )
    kinds = Counter(e["kind"] for e in new_events) - consequences
    assert kinds == +own, (kinds, own)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(steps, min_size=20, max_size=30), two_items=st.booleans())
async def test_random_operations_keep_the_plan_consistent(
    db: str, sequence: list[Step], two_items: bool
) -> None:
    # Hypothesis runs the body once per example: each starts from an empty database.
    await empty_all_tables(db)
    await install_catalog(demo_catalog())
    users = await create_demo_users()
    # Six tasks, which thirty steps often finish, or twelve over two line items.
    fibre = LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "IPV4"})
    order = await approved_order(users, "MOBILE_LINE", *([fibre] if two_items else []))
    run = Run(users, order.id)
    await run.load_dependencies()
    rows = await snapshot()

    for step in sequence:
        chosen = target(step, rows)
        if chosen is None:
            event("no target")
            continue
        operation, row = chosen
        try:
            own = await run.apply(step, operation, row, rows)
        except DomainError as error:
            event(f"refused: {operation} {error.code.value}")
            assert await snapshot() == rows, f"{step} was refused but changed something"
            continue
        event(f"done: {operation}")
        after = await snapshot()
        check_events(rows, after, own)
        expected, stored = await expected_vs_stored(order.id)
        assert stored == expected, step
        run.check_invariants(after)
        rows = after
    final = await ServiceOrder.get(id=order.id)
    event(f"order ends {final.state.value}")
