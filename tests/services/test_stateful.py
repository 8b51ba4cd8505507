"""Random operations by random people on an approved order keep the plan consistent.

Hypothesis draws the order (one or two line items of any demo product, or of the test
catalog's products with no tasks or task-less parent domain orders) and a sequence of steps: an
operation, who tries it (someone entitled to, or any demo user), which task or fallout it
targets (fallout goes on PENDING, READY and IN_PROGRESS tasks alike), and how a fallout is
resolved (every action). After the approval and after each step:
- a refused step changed no row and wrote no event;
- a step that went through wrote exactly its own events (the model predicts them: a finishing
  resolution on a task that still waits is deferred), plus one event for every state that
  changed as a consequence (task.ready, a deferred outcome applied, *.state_changed), and no
  event without a change;
- a task's or fallout's version went up by exactly the number of its events;
- every rollup state and counter, subtree-true, and every sold product equals what the task
  rows imply (plan_oracle.py), so progress is the task rows';
- dependency order: no task READY, IN_PROGRESS or COMPLETED while one it waits on is not done;
  no task PENDING when all it waits on is done; a deferred outcome only on a waiting task;
  ON_HOLD exactly with an open fallout; an order whose tasks are all final is COMPLETED; every
  number is unique;
- the schedule: every stored planned date, slack, due date and jeopardy level is what the pure
  functions (services/schedule/) give for the stored facts at the order's schedule clock, and
  no task is planned to start before a task it waits on is planned to end (the order has a
  requested completion date or not, late, at risk or on time).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from models import ServiceOrder, Task, TaskDependency, User
from models.enums import FalloutAction, FalloutState, FalloutType, TaskState
from services.catalog import DEMO_CATALOG_PATH, CatalogDocument, install_catalog, load_catalog
from services.errors import DomainError
from services.fallouts import create_fallout, reassign_fallout, resolve_fallout
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    submit_service_order,
)
from services.schedule.jeopardy import jeopardy
from services.schedule.reschedule import SCHEDULE_FIELDS, compute, schedule_inputs
from services.seed import create_demo_users
from services.tasks import complete_task, reassign_task, start_task
from tests.catalogs import NO_TASKS, TASK_LESS_PARENTS, TASKS_ABOVE_TASK_LESS, hollow_catalog
from tests.conftest import empty_order_tables
from tests.services.plan_oracle import expected_vs_stored
from tests.services.task_plans import Rows, agent_for, snapshot

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
# The event of a resolution for a task whose predecessors are done; one that still waits is
# "task.deferred" unless retried.
RESOLUTION_KIND = {
    FalloutAction.RETRY_TASK: "task.retried",
    FalloutAction.COMPLETE_TASK: "task.completed",
    FalloutAction.SKIP_TASK: "task.skipped",
}
FIBRE = "FIBRE_BROADBAND"
# What an order's line items are drawn from: every demo product (fibre with and without its
# IPv6 domain order), a product with no tasks, and two whose parents have no tasks of their own.
PRODUCTS = (
    LineItemInput(FIBRE, characteristics={"ipVersion": "IPV4"}),
    LineItemInput(FIBRE, characteristics={"ipVersion": "DUAL_STACK"}),
    LineItemInput("BUSINESS_SDWAN"),
    LineItemInput("MOBILE_LINE"),
    LineItemInput("TV_VOICE_BUNDLE"),
    LineItemInput(NO_TASKS),
    LineItemInput(TASK_LESS_PARENTS),
    LineItemInput(TASKS_ABOVE_TASK_LESS),
)

# Snapshot table → the entity_type its events carry.
ENTITY_TYPES = {
    "order": "service_order",
    "line_item": "line_item",
    "sold_product": "sold_product",
    "domain_order": "domain_order",
    "task": "task",
    "fallout": "fallout",
}
# The state a new row comes from, in its first event (plan rows: PENDING, with no event).
CREATED_STATE: dict[str, str | None] = {"fallout": None}
# Columns that change without a version bump: progress counters follow every task move.
# The schedule is derived (services/schedule/reschedule.py): it moves without a version or an
# event of its own, except a jeopardy level's change.
SCHEDULE_COLUMNS = {
    "planned_start_at",
    "planned_end_at",
    "due_at",
    "slack_minutes",
    "on_critical_path",
    "jeopardy",
    "jeopardy_reason",
    "lateness_minutes",
    "expected_completion_at",
    "next_jeopardy_check_at",
    "scheduled_at",
}
UNVERSIONED = {"version", "updated_at", "tasks_total", "tasks_done", *SCHEDULE_COLUMNS}


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
            # The first start of a point-of-no-return task of an item passes the item's.
            item = by_id(rows, "line_item")[
                by_id(rows, "domain_order")[row["domain_order_id"]]["line_item_id"]
            ]
            passes = row["is_point_of_no_return"] and item["point_of_no_return_reached_at"] is None
            return Counter({"task.started": 1, "line_item.point_of_no_return_reached": passes})
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
        task_id = row["task_id"]
        waits = not self.predecessors[task_id] <= done_tasks(rows)
        await resolve_fallout(actor(manager), row["id"], step.action, "fixed")
        kind = RESOLUTION_KIND[step.action]
        if waits and step.action is not FalloutAction.RETRY_TASK:
            kind = "task.deferred"
        return Counter({"fallout.resolved": 1, kind: 1})

    async def check_schedule(self, after: object) -> None:
        """The stored schedule is the pure functions' output for the stored facts at the
        order's schedule clock, and no task is planned to start before what it waits on ends."""
        order = await ServiceOrder.get(id=self.order_id)
        assert order.scheduled_at is not None, after
        rows, plan = await compute(order, order.scheduled_at)
        assessed = jeopardy(schedule_inputs(rows), plan)
        for row, planned, level in zip(rows, plan.tasks, assessed.tasks, strict=True):
            stored = tuple(row[name] for name in SCHEDULE_FIELDS[:6])
            computed = (
                planned.planned_start,
                planned.planned_end,
                planned.due_at,
                planned.slack_minutes,
                planned.on_critical_path,
                level.level,
            )
            assert stored == computed, (after, row["number"])
        assert order.expected_completion_at == plan.expected_completion, after
        assert order.jeopardy == assessed.order.level, after
        ends = {row["id"]: row["planned_end_at"] for row in rows}
        for row in rows:
            for predecessor in self.predecessors[row["id"]]:
                assert row["planned_start_at"] >= ends[predecessor], (after, row["number"])

    async def check_rollups(self, after: object) -> None:
        expected, stored = await expected_vs_stored(self.order_id)
        assert stored == expected, after

    def check_invariants(self, rows: Rows) -> None:
        tasks = by_id(rows, "task")
        done = done_tasks(rows)
        open_fallouts = Counter(
            f["task_id"] for f in rows["fallout"] if f["state"].value in {"OPEN", "IN_PROGRESS"}
        )
        for task_id, task in tasks.items():
            waiting = not self.predecessors[task_id] <= done
            number, state = task["number"], task["state"]
            if state in {TaskState.READY, TaskState.IN_PROGRESS, TaskState.COMPLETED}:
                assert not waiting, f"{number} is {state} before its predecessors are done"
            if state is TaskState.PENDING:
                assert waiting, f"{number} stays PENDING with its predecessors done"
            if task["deferred_outcome"] is not None:
                assert state is TaskState.PENDING, f"{number} is {state} with an outcome"
                assert task["deferred_outcome"] in {TaskState.COMPLETED, TaskState.SKIPPED}
            if state is TaskState.IN_PROGRESS:
                assert task["assignee_id"] is not None
            on_hold = state is TaskState.ON_HOLD
            assert open_fallouts[task_id] == int(on_hold), f"{number} hold vs fallout"
        [order] = rows["order"]
        if all(t["state"] in {TaskState.COMPLETED, TaskState.SKIPPED} for t in tasks.values()):
            assert order["state"].value == "COMPLETED", "all the work is done, the order open"
            assert order["completed_at"] is not None
        for table in ("task", "domain_order", "fallout"):
            numbers = [row["number"] for row in rows[table]]
            assert len(set(numbers)) == len(numbers)
        assert sorted(f["number"] for f in rows["fallout"]) == [
            f"FO{n:07d}" for n in range(1, len(rows["fallout"]) + 1)
        ]


def done_tasks(rows: Rows) -> set[int]:
    return {t["id"] for t in rows["task"] if t["state"] in {TaskState.COMPLETED, TaskState.SKIPPED}}


def is_consequence(event: dict[str, Any]) -> bool:
    """An event written because of the step, not by it: a rollup's state change, a task
    released (READY, or finished as a resolution decided while it waited)."""
    kind = str(event["kind"])
    return kind.endswith(("state_changed", "ready", "jeopardy_changed")) or bool(
        event["payload"].get("deferred")
    )


def check_events(before: Rows, after: Rows, own: Counter[str], *, versions: bool = True) -> None:
    """The step's events: its own, plus exactly one per consequential state change.

    A row the step created counts as created PENDING (as every plan row is, without an
    event), a fallout as coming from nothing (its created event says so). `versions`:
    whether each versioned row went up by one per event (approval bumps the order's version
    for the decision and the state change, not for the decomposed event).
    """
    new_events = after["event"][len(before["event"]) :]
    events_of: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for new_event in new_events:
        events_of[new_event["entity_type"], new_event["entity_id"]].append(new_event)
    consequences: Counter[str] = Counter()
    for table, entity_type in ENTITY_TYPES.items():
        old, new = by_id(before, table), by_id(after, table)
        for row_id, row in new.items():
            was = old.get(row_id)
            previous = str(was["state"]) if was else CREATED_STATE.get(table, "PENDING")
            events = events_of[entity_type, row_id]
            # A jeopardy change is the schedule's, not the row's: no state, no version.
            events = [e for e in events if not str(e["kind"]).endswith("jeopardy_changed")]
            changes = [
                (e["previous_state"], e["new_state"])
                for e in events
                if e["previous_state"] != e["new_state"]
            ]
            # One event per change: the changes lead from the old state to the new one.
            states = [previous, *(to for _from, to in changes)]
            assert [from_ for from_, _to in changes] == states[:-1], (table, row_id, events)
            assert states[-1] == str(row["state"]), (table, row_id, events)
            if versions and "version" in row and was is not None:
                moved = {k for k in row if row[k] != was[k]} - UNVERSIONED
                assert row["version"] - was["version"] == len(events), (table, row_id)
                assert events or not moved, f"{table} {row_id} changed without an event"
        consequences.update(
            e["kind"] for e in new_events if e["entity_type"] == entity_type and is_consequence(e)
        )
    kinds = Counter(e["kind"] for e in new_events) - consequences
    assert kinds == +own, (kinds, own)


async def demo_users() -> dict[str, User]:
    """The catalogs and users, installed by the test's first example (the `db` fixture empties
    the database once per test, not per example) and kept for the others."""
    if not await User.exists():
        await install_catalog(demo_catalog())
        await install_catalog(hollow_catalog())
        await create_demo_users()
    return {user.username: user for user in await User.all()}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sequence=st.lists(steps, min_size=20, max_size=30),
    items=st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=2),
    # The requested completion, minutes after the submission: none, late, at risk, on time.
    due_in=st.sampled_from([None, 30, 2000, 50000]),
)
async def test_random_operations_keep_the_plan_consistent(
    db: str, sequence: list[Step], items: list[LineItemInput], due_in: int | None
) -> None:
    # Hypothesis runs the body once per example: each starts from a database without orders.
    await empty_order_tables(db)
    users = await demo_users()
    submitted = await submit_service_order(
        users["partner"],
        SubmitOrderInput(
            customer="ACME Corp",
            line_items=items,
            requested_completion_date=None
            if due_in is None
            else datetime.now(UTC) + timedelta(minutes=due_in),
        ),
    )
    rows = await snapshot()
    order = await approve_service_order(users["manager"], submitted.id)
    run = Run(users, order.id)
    await run.load_dependencies()
    after = await snapshot(rows)
    run.check_invariants(after)
    await run.check_rollups("approval")
    await run.check_schedule("approval")
    own = Counter({"service_order.approved": 1, "service_order.decomposed": 1})
    check_events(rows, after, own, versions=False)
    rows = after

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
            assert await snapshot(rows) == rows, f"{step} was refused but changed something"
            continue
        event(f"done: {operation}")
        after = await snapshot(rows)
        run.check_invariants(after)
        await run.check_rollups(step)
        await run.check_schedule(step)
        check_events(rows, after, own)
        rows = after
    final = await ServiceOrder.get(id=order.id)
    event(f"order ends {final.state.value}")
