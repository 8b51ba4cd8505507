"""Random operations by random people on an approved order keep the plan consistent.

Hypothesis draws the order (one or two line items of any demo product, or of the test
catalog's products with no tasks or task-less parent domain orders) and a sequence of steps: an
operation, who tries it (someone entitled to, or any demo user), which task or fallout it
targets (fallout goes on PENDING, READY and IN_PROGRESS tasks alike), and how a fallout is
resolved (every action, with a corrected input for the worker or not: accepted only with
RETRY_TASK on an automated task, which then starts its attempts afresh). Cancelling one line
item or the whole order is a step too (refused past a point of no return, which starting a
marked task passes); its compensating tasks are then worked like any other. A manager holds
and resumes the order. The automated tasks of the demo products are worked by workers: fetch
and lock, complete or fail (retryable or not) or extend the lock (after working a while, for
a time in or out of bounds) by the lock holder or another worker, and time passing an hour,
so that every lock expires (the sweeper's pass) and every backoff is over. After the approval
and after each step:
- a refused step changed no row and wrote no event;
- a step that went through wrote exactly its own events (the model predicts them: a finishing
  resolution on a task that still waits is deferred), plus one event for every state that
  changed as a consequence (task.ready, a deferred outcome applied, *.state_changed), and no
  event without a change;
- a task's or fallout's version went up by exactly the number of its events;
- every rollup state and counter, subtree-true, and every sold product equals what the task
  rows imply (plan_oracle.py), so progress is the task rows';
- a HELD order starts no task (a start that went through was on an order not held, and no
  READY task of it became IN_PROGRESS, by a person or a worker), and it remembers what it was
  held from, and since when, exactly while held; a hold or a resume moves no task, and resume
  restores the state the order was held from;
- an item is past its point of no return exactly when one of its marked tasks has started (or
  was completed without a start, by a resolution's decision), and from then on no step
  cancels or revises it (its values, its cancellation and its tasks' stay); the revision
  number goes up by one per revision and never otherwise;
- a revision (an item added, changed or removed) keeps every task row, and every kept task
  that had started keeps its state and assignee;
- dependency order: no task READY, IN_PROGRESS or COMPLETED while one it waits on is not done;
  no task PENDING when all it waits on is done; a deferred outcome only on a waiting task;
  ON_HOLD exactly with an open fallout; an order whose tasks are all final is COMPLETED; every
  number is unique;
- a task holds a worker's lock exactly when it is automated and IN_PROGRESS, an IN_PROGRESS
  manual task has an assignee, and no automated task has made more attempts than it may;
  an extension is refused with the first fault in the order of checks (another worker's or an
  expired lock: CONFLICT), and otherwise keeps the lock its holder's, with the same attempt,
  and moves its expiry only forward.
- the schedule: every stored planned date, slack, due date and jeopardy level is what the pure
  functions (services/schedule/) give for the stored facts at the order's schedule clock, and
  no task is planned to start before a task it waits on is planned to end (the order has a
  requested completion date or not, late, at risk or on time);
- the installed base: the order may also MODIFY or DELETE a product the customer has (ACTIVE,
  bought by an earlier order), and a step may submit another order changing any product: it
  goes through only when no open line item changes that product, so no product is ever
  changed by two open orders; every product is in the state (and has the characteristics) its
  line items' states imply (plan_oracle.py). An order may hold up to two changes and no new
  line, a step may also submit a competing DELETE, and one example always works a MODIFY
  and a DELETE to the end. Of every product (check_installed_base): an open change names an
  ACTIVE product; its history walks its state machine to its state now, each modification
  from the characteristics it had to the ones it has, each caused by a COMPLETED item naming
  it; its activation and termination dates follow its state.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cache
from typing import Any, cast

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from models import (
    LineItem,
    ServiceOrder,
    ServiceSpecification,
    SoldProduct,
    Task,
    TaskDependency,
    TaskTemplate,
    User,
)
from models.enums import (
    FalloutAction,
    FalloutState,
    FalloutType,
    FulfillmentState,
    LineItemAction,
    ServiceOrderState,
    SoldProductState,
    TaskKind,
    TaskState,
)
from services.automation import (
    complete_automated_task,
    extend_task_lock,
    fail_automated_task,
    fetch_and_lock_tasks,
)
from services.automation.expiry import expire_locks
from services.catalog import DEMO_CATALOG_PATH, CatalogDocument, install_catalog, load_catalog
from services.clock import use_clock
from services.errors import DomainError, ErrorCode
from services.fallouts import create_fallout, reassign_fallout, resolve_fallout
from services.json_values import JsonValue
from services.limits import MAX_LOCK_SECONDS
from services.orders import (
    LineItemInput,
    RevisedItemInput,
    SubmitOrderInput,
    approve_service_order,
    hold_service_order,
    resume_service_order,
    revise_service_order,
    submit_service_order,
)
from services.orders.cancel import cancel_service_order
from services.orders.rules import order_state_from_items
from services.policy import Action, is_allowed
from services.schedule.jeopardy import jeopardy
from services.schedule.reschedule import ORDER_SCHEDULE_FIELDS, SCHEDULE_FIELDS, compute
from services.seed import create_demo_users
from services.tasks import complete_task, reassign_task, start_task
from tests.catalogs import NO_TASKS, TASK_LESS_PARENTS, TASKS_ABOVE_TASK_LESS, hollow_catalog
from tests.conftest import empty_order_tables
from tests.fake_clock import FakeClock
from tests.services.plan_oracle import expected_vs_stored
from tests.services.task_plans import Rows, agent_for, snapshot

USERNAMES = ("manager", "agent1", "agent2", "viewer", "partner", "admin", "automation")
# Who tries a step: mostly (three times in four) someone entitled to it (None), else anyone.
ACTORS: tuple[str | None, ...] = (None,) * 3 * len(USERNAMES) + USERNAMES
# Starting and completing come up three times as often, so that plans get somewhere.
OPERATIONS = (
    *("start", "complete") * 3,
    "reassign_task",
    "create_fallout",
    "reassign_fallout",
    "resolve_fallout",
    *("fetch", "worker_complete") * 2,
    "worker_fail",
    "extend_lock",
    "time_passes",
    "hold",
    "resume",
    "cancel_items",
    "cancel_order",
    "fail_item",
    *("revise",) * 2,
    "compete",
    "compete_delete",
)
# Every handler of the demo catalog: a worker fetches for all of them.
HANDLERS = ["demo.activate_billing", "demo.activate_service", "demo.allocate_resource"]
HANDLERS += ["demo.configure_network"]
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
MODIFY, DELETE = LineItemAction.MODIFY, LineItemAction.DELETE
# Changes of a product the customer has: the item, and the characteristics it was bought with
# (fibre's IP version both ways: a prefix withdrawn, or allocated, inside a MODIFY).
CHANGES: tuple[tuple[LineItemInput, dict[str, Any]], ...] = (
    (
        LineItemInput(FIBRE, MODIFY, characteristics={"ipVersion": "IPV4"}),
        {"ipVersion": "DUAL_STACK"},
    ),
    (
        LineItemInput(FIBRE, MODIFY, characteristics={"ipVersion": "DUAL_STACK"}),
        {"ipVersion": "IPV4"},
    ),
    (LineItemInput("MOBILE_LINE", MODIFY, characteristics={"plan": "L"}), {"plan": "M"}),
    (LineItemInput(FIBRE, DELETE), {"ipVersion": "DUAL_STACK"}),
    (LineItemInput("BUSINESS_SDWAN", DELETE), {}),
    (LineItemInput("TV_VOICE_BUNDLE", DELETE), {}),
    # A change no part of the product reacts to: nothing to do, done at approval.
    (
        LineItemInput(FIBRE, MODIFY, characteristics={"ipVersion": "IPV4", "label": "Shop"}),
        {"ipVersion": "IPV4"},
    ),
    # A product whose catalog has no work at all: its DELETE is done at approval too.
    (LineItemInput(NO_TASKS, DELETE), {}),
)
CUSTOMER = "ACME Corp"

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
CREATED_STATE: dict[str, str | None] = {"fallout": None, "order": None}
# Columns that change without a version bump: progress counters follow every task move.
# The schedule is derived (services/schedule/reschedule.py): it moves without a version or an
# event of its own, except a jeopardy level's change.
SCHEDULE_COLUMNS = {*SCHEDULE_FIELDS, *ORDER_SCHEDULE_FIELDS}
# The time an order's point of no return was passed follows its item's (which has an event).
UNVERSIONED = {
    "version",
    "updated_at",
    "tasks_total",
    "tasks_done",
    "point_of_no_return_reached_at",
    *SCHEDULE_COLUMNS,
}


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
FINAL_TASKS = frozenset({T.COMPLETED, T.SKIPPED, T.CANCELLED})
FINAL_ITEMS = frozenset(
    {FulfillmentState.COMPLETED, FulfillmentState.FAILED, FulfillmentState.CANCELLED}
)
FINAL_ORDERS = frozenset(
    {
        ServiceOrderState.COMPLETED,
        ServiceOrderState.PARTIAL,
        ServiceOrderState.FAILED,
        ServiceOrderState.CANCELLED,
    }
)
# What each operation acts on, and the states in which it is legal (and for tasks, of which
# kind: None for either).
TARGETS: dict[str, tuple[str, frozenset[str]]] = {
    "start": ("task", frozenset({T.READY})),
    "complete": ("task", frozenset({T.IN_PROGRESS})),
    "fetch": ("task", frozenset({T.READY})),
    "worker_complete": ("task", frozenset({T.IN_PROGRESS})),
    "worker_fail": ("task", frozenset({T.IN_PROGRESS})),
    "extend_lock": ("task", frozenset({T.IN_PROGRESS})),
    "time_passes": ("task", frozenset({T.IN_PROGRESS, T.READY})),
    "resolve_fallout": ("fallout", frozenset({F.OPEN, F.IN_PROGRESS})),
    "create_fallout": ("task", frozenset({T.PENDING, T.READY, T.IN_PROGRESS})),
    "reassign_task": ("task", frozenset({T.PENDING, T.READY, T.IN_PROGRESS, T.ON_HOLD})),
    "reassign_fallout": ("fallout", frozenset({F.OPEN, F.IN_PROGRESS})),
    "hold": ("order", frozenset({ServiceOrderState.IN_PROGRESS})),
    "resume": ("order", frozenset({ServiceOrderState.HELD})),
    # Legal unless past the point of no return (then refused, and nothing changes).
    "cancel_items": (
        "line_item",
        frozenset({FulfillmentState.PENDING, FulfillmentState.IN_PROGRESS}),
    ),
    # A fallout resolved FAIL_LINE_ITEM (refused on a compensating task, or for an item
    # stopped already).
    "fail_item": ("fallout", frozenset({F.OPEN, F.IN_PROGRESS})),
    # Held or not.
    "cancel_order": ("order", frozenset({ServiceOrderState.IN_PROGRESS, ServiceOrderState.HELD})),
    # Add, change or remove an item (refused for one past its point of no return).
    "revise": ("order", frozenset({ServiceOrderState.IN_PROGRESS, ServiceOrderState.HELD})),
    # Another order changing a product (any: refused unless it is ACTIVE and no open item
    # changes it).
    "compete": ("sold_product", frozenset(SoldProductState)),
    # The same with a DELETE.
    "compete_delete": ("sold_product", frozenset(SoldProductState)),
}
KINDS: dict[str, TaskKind] = {
    "start": TaskKind.MANUAL,
    "complete": TaskKind.MANUAL,
    "fetch": TaskKind.AUTOMATED,
    "worker_complete": TaskKind.AUTOMATED,
    "worker_fail": TaskKind.AUTOMATED,
    "extend_lock": TaskKind.AUTOMATED,
    "time_passes": TaskKind.AUTOMATED,
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
        kind = KINDS.get(operation)
        legal = [
            row
            for row in rows[table]
            if row["state"] in states and (kind is None or row["kind"] is kind)
        ]
        if legal:
            return operation, choose(legal, step.pick)
    return None


class Run:
    """One example: the demo users, the order, and the steps applied to it."""

    def __init__(
        self,
        users: dict[str, User],
        order_id: int,
        compensated: frozenset[int],
        clock: FakeClock,
    ) -> None:
        self.users = users
        self.order_id = order_id
        self.clock = clock
        self.predecessors: dict[int, set[int]] = defaultdict(set)
        self.by_id = {user.id: user for user in users.values()}
        self.compensated = compensated  # the templates that name a compensator

    async def load_dependencies(self) -> None:
        # Again after a cancellation: it writes compensating tasks and their edges.
        self.predecessors.clear()
        for link in await TaskDependency.filter(task__service_order_id=self.order_id):
            self.predecessors[link.task_id].add(link.depends_on_id)

    async def apply(
        self, step: Step, operation: str, row: dict[str, Any], rows: Rows
    ) -> Counter[str]:
        """Try `operation` on `row`; the events it should write itself."""
        agent = (self.users["agent1"], self.users["agent2"])[step.pick % 2]
        manager = self.users["manager"]
        # Orders and line items have no assignee.
        assignee = self.by_id.get(row.get("assignee_id") or 0)

        def actor(entitled: User) -> User:
            return entitled if step.actor is None else self.users[step.actor]

        if operation == "hold":
            await hold_service_order(actor(manager), row["id"], "permit pending")
            return Counter({"service_order.held": 1})
        if operation == "resume":
            await resume_service_order(actor(manager), row["id"], "permit granted")
            return Counter({"service_order.resumed": 1})
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
        if operation in {"fetch", "worker_complete", "worker_fail", "extend_lock", "time_passes"}:
            return await self.work_automated(step, operation, row, actor(self.users["automation"]))
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
        if operation in {"cancel_items", "cancel_order"}:
            return await self.cancel(step, operation, row, rows, actor(manager))
        if operation == "compete":
            code = (await ServiceSpecification.get(id=row["specification_id"])).code
            change = LineItemInput(
                str(code),
                MODIFY,
                characteristics=dict(row["characteristics"]),
                sold_product_id=row["id"],
            )
            await submit_service_order(
                actor(self.users["partner"]),
                SubmitOrderInput(customer=CUSTOMER, line_items=[change]),
            )
            return Counter({"service_order.submitted": 1})
        if operation == "compete_delete":
            return await self.compete_delete(row, actor(self.users["partner"]))
        if operation == "revise":
            return await self.revise(step, rows, actor(manager))
        if operation == "fail_item" or step.action is FalloutAction.FAIL_LINE_ITEM:
            return await self.fail_item(row, rows, actor(manager))
        task_id = row["task_id"]
        waits = not self.predecessors[task_id] <= done_tasks(rows)
        # One resolution in three of an automated task's fallout carries a corrected input for
        # its worker (now and then a manual task's too, which is refused).
        automated = by_id(rows, "task")[task_id]["kind"] is TaskKind.AUTOMATED
        corrected: JsonValue = None
        if step.pick % 3 == 0 and (automated or step.pick >= 90):
            corrected = {"pick": step.pick}
        await resolve_fallout(actor(manager), row["id"], step.action, "fixed", input=corrected)
        if corrected is not None:
            # Only with RETRY_TASK on an automated task (else VALIDATION), with fresh attempts.
            assert (step.action, automated) == (FalloutAction.RETRY_TASK, True), "input refused"
            retried = await Task.get(id=task_id)
            assert (retried.input, retried.attempts) == (corrected, 0), "the input not kept"
            event("resolve: retried with a corrected input")
        kind = RESOLUTION_KIND[step.action]
        if waits and step.action is not FalloutAction.RETRY_TASK:
            kind = "task.deferred"
        return Counter({"fallout.resolved": 1, kind: 1})

    async def compete_delete(self, row: dict[str, Any], actor: User) -> Counter[str]:
        """Another order deleting the product `row` (refused unless it may be changed)."""
        code = (await ServiceSpecification.get(id=row["specification_id"])).code
        quantity = await LineItem.get(id=row["line_item_id"]).values_list("quantity", flat=True)
        change = LineItemInput(
            str(code), DELETE, quantity=cast(int, quantity), sold_product_id=row["id"]
        )
        await submit_service_order(actor, SubmitOrderInput(customer=CUSTOMER, line_items=[change]))
        return Counter({"service_order.submitted": 1})

    async def work_automated(
        self, step: Step, operation: str, row: dict[str, Any], actor: User
    ) -> Counter[str]:
        """A worker's call (or time passing); the events it should write itself."""
        # One answer in seven comes from a worker that does not hold the lock.
        worker = "intruder" if step.pick % 7 == 0 else (row["locked_by"] or "w0")
        if operation == "fetch":
            locked = await fetch_and_lock_tasks(
                actor,
                worker_id=f"w{step.pick % 3}",
                handlers=HANDLERS,
                max_tasks=1 + step.pick % 3,
                lock_seconds=60,
            )
            return Counter({"task.locked": len(locked)})
        if operation == "worker_complete":
            await complete_automated_task(
                actor, task_id=row["id"], worker_id=worker, output={"pick": step.pick}
            )
            return Counter({"task.completed": 1})
        if operation == "worker_fail":
            retryable = step.pick % 2 == 0
            await fail_automated_task(
                actor, task_id=row["id"], worker_id=worker, error="OSS down", retryable=retryable
            )
            if retryable and row["attempts"] < row["max_attempts"]:
                return Counter({"task.retry_scheduled": 1})
            return Counter({"task.failed": 1, "fallout.created": 1})
        if operation == "extend_lock":
            return await self.extend_lock(step, row, worker, actor)
        # An hour passes: every lock runs out (the longest is ten minutes), every backoff too.
        locked_rows = [
            t
            for t in (await snapshot())["task"]
            if t["locked_by"] is not None and t["state"] is TaskState.IN_PROGRESS
        ]
        self.clock.advance(hours=1)
        assert await expire_locks() == len(locked_rows)
        exhausted = sum(t["attempts"] >= t["max_attempts"] for t in locked_rows)
        return Counter({"task.lock_expired": len(locked_rows), "fallout.created": exhausted})

    async def extend_lock(
        self, step: Step, row: dict[str, Any], worker: str, actor: User
    ) -> Counter[str]:
        """A worker extends a lock after working a while (some locks run out meanwhile), for
        a time that may be out of bounds. Refused (and nothing written, as for every step)
        with the first fault in the order of checks: another worker's or an expired lock is a
        CONFLICT. Else the lock stays the holder's, and its expiry only moves forward."""
        self.clock.advance(seconds=step.pick % 45)
        seconds = (0, 10, 60, 600, MAX_LOCK_SECONDS + 1)[step.pick % 5]
        at = self.clock.now()
        refusal = None
        if not is_allowed(actor, Action.EXTEND_TASK_LOCK):
            refusal = ErrorCode.FORBIDDEN
        elif row["kind"] is not TaskKind.AUTOMATED:
            refusal = ErrorCode.INVALID_STATE
        elif row["locked_by"] != worker or row["lock_expires_at"] <= at:
            refusal = ErrorCode.CONFLICT
        elif not 1 <= seconds <= MAX_LOCK_SECONDS:
            refusal = ErrorCode.VALIDATION
        try:
            await extend_task_lock(actor, task_id=row["id"], worker_id=worker, lock_seconds=seconds)
        except DomainError as error:
            assert error.code is refusal, (error.code, refusal)
            raise
        assert refusal is None, f"extended, though it is {refusal}"
        task = await Task.get(id=row["id"])
        wanted = at + timedelta(seconds=min(seconds, row["lock_seconds"]))
        assert (task.state, task.locked_by, task.attempts) == (
            TaskState.IN_PROGRESS,
            worker,
            row["attempts"],
        ), "an extension keeps the lock its holder's"
        assert task.lock_expires_at == max(row["lock_expires_at"], wanted), "expiry moved back"
        return Counter({"task.lock_extended": 1})

    async def check_schedule(self, after: object) -> None:
        """The stored schedule is the pure functions' output for the stored facts at the
        order's schedule clock, and no task is planned to start before what it waits on ends."""
        order = await ServiceOrder.get(id=self.order_id)
        assert order.scheduled_at is not None, after
        computed = await compute(order, order.scheduled_at)
        rows, plan = computed.rows, computed.plan
        assessed = jeopardy(computed.tasks, plan)
        for row, planned, level in zip(rows, plan.tasks, assessed.tasks, strict=True):
            stored = row.schedule[:6]
            expected = (
                planned.planned_start,
                planned.planned_end,
                planned.due_at,
                planned.slack_minutes,
                planned.on_critical_path,
                level.level,
            )
            assert stored == expected, (after, row.number)
        assert order.expected_completion_at == plan.expected_completion, after
        assert order.jeopardy == assessed.order.level, after
        ends = {row.id: row.schedule[1] for row in rows}
        for row in rows:
            for predecessor in self.predecessors[row.id]:
                assert row.schedule[0] >= ends[predecessor], (after, row.number)

    async def cancel(
        self, step: Step, operation: str, row: dict[str, Any], rows: Rows, actor: User
    ) -> Counter[str]:
        """Cancel one item, or the whole order; the events the model predicts: the decision,
        one per task cancelled (and its open fallout), one per compensating task created."""
        if operation == "cancel_items":
            chosen = [row["id"]]
            await cancel_service_order(actor, self.order_id, "Customer withdrew", chosen)
        else:
            chosen = [
                item["id"]
                for item in rows["line_item"]
                if item["cancelled_at"] is None
                and item["failed_at"] is None
                and item["state"] not in FINAL_ITEMS
            ]
            await cancel_service_order(actor, self.order_id, "Customer withdrew")
        await self.load_dependencies()
        return Counter({"service_order.cancelled": 1}) + self.stopped_work(rows, chosen)

    def stopped_work(self, rows: Rows, chosen: list[int]) -> Counter[str]:
        """The events of stopping the work of the items `chosen` (a cancellation or a
        failure): one per task cancelled (and its open fallout), one per compensating task
        created."""
        item_of = {d["id"]: d["line_item_id"] for d in rows["domain_order"]}
        tasks = [t for t in rows["task"] if item_of[t["domain_order_id"]] in chosen]
        # An earlier revision's compensating tasks are left to run; what it compensated
        # already is not compensated again.
        cancelled = {
            t["id"] for t in tasks if t["state"] not in FINAL_TASKS and t["compensates_id"] is None
        }
        compensated_already = {t["compensates_id"] for t in rows["task"]}
        fallouts = [
            f
            for f in rows["fallout"]
            if f["task_id"] in cancelled and f["state"] in {F.OPEN, F.IN_PROGRESS}
        ]
        undone = [
            t
            for t in tasks
            if t["state"] is TaskState.COMPLETED
            and t["compensates_id"] is None
            and t["template_id"] in self.compensated
            and t["id"] not in compensated_already
        ]
        return Counter(
            {
                "task.cancelled": len(cancelled),
                "fallout.cancelled": len(fallouts),
                "task.created": len(undone),
            }
        )

    # --- A line item fails (a fallout resolved FAIL_LINE_ITEM) --------------------------------

    async def fail_item(self, row: dict[str, Any], rows: Rows, actor: User) -> Counter[str]:
        """Resolve the fallout `row` with FAIL_LINE_ITEM: refused with the first fault in the
        order of checks (not a manager: FORBIDDEN; a fallout not open, a task not ON_HOLD, a
        compensating task, an item stopped or final: INVALID_STATE). Else the fallout is
        resolved and its task's item stopped as a cancellation stops it (one event per task
        cancelled, other open fallout cancelled, compensation created), plus the decision."""
        task = by_id(rows, "task")[row["task_id"]]
        item_of = {d["id"]: d["line_item_id"] for d in rows["domain_order"]}
        item = by_id(rows, "line_item")[item_of[task["domain_order_id"]]]
        stopped = item["cancelled_at"] is not None or item["failed_at"] is not None
        refusal = None
        if not is_allowed(actor, Action.RESOLVE_FALLOUT):
            refusal = ErrorCode.FORBIDDEN
        elif (
            row["state"] not in {F.OPEN, F.IN_PROGRESS}
            or task["state"] is not TaskState.ON_HOLD
            or task["compensates_id"] is not None
            or stopped
            or item["state"] in FINAL_ITEMS
        ):
            refusal = ErrorCode.INVALID_STATE
        try:
            await resolve_fallout(actor, row["id"], FalloutAction.FAIL_LINE_ITEM, "cannot be done")
        except DomainError as error:
            assert error.code is refusal, (error.code, refusal)
            raise
        assert refusal is None, f"failed the item, though it is {refusal}"
        event(f"fail_item: {'past' if item['point_of_no_return_reached_at'] else 'before'} PONR")
        await self.load_dependencies()
        own = Counter({"fallout.resolved": 1, "line_item.failed": 1})
        # The fallout resolved is not cancelled with its task.
        return own + self.stopped_work(rows, [item["id"]]) - Counter({"fallout.cancelled": 1})

    async def revise(self, step: Step, rows: Rows, actor: User) -> Counter[str]:
        """Add a line item, change one (a fibre line's ipVersion, or another's quantity) or
        remove one, as `step.pick` says; the events it should write: the revision, and one per
        task created, cancelled (and its open fallout) or sent back to wait. Which tasks those
        are is read from the rows after (the re-planning's own tests prove which they must be):
        what this checks is that every kept task keeps its row, state and assignee."""
        items = sorted(rows["line_item"], key=lambda i: (i["position"], i["id"]))
        codes = dict(
            await ServiceSpecification.filter(
                id__in={i["specification_id"] for i in items}
            ).values_list("id", "code")
        )
        wanted = [
            RevisedItemInput(
                i["id"],
                LineItemInput(
                    codes[i["specification_id"]],
                    i["action"],
                    i["quantity"],
                    dict(i["characteristics"]),
                ),
            )
            for i in items
        ]
        live = [
            at for at, i in enumerate(items) if i["cancelled_at"] is None and i["failed_at"] is None
        ]
        # A DELETE has nothing to change (its quantity is its product's); the others do.
        changeable = [at for at in live if wanted[at].line_item.action is not DELETE]
        how = ("add", "change", "remove")[step.pick % 3]
        if how == "remove" and len(live) < 2:
            how = "change"
        if how == "change" and not changeable:
            how = "add"
        if how == "add":
            wanted.append(RevisedItemInput(None, PRODUCTS[step.pick % len(PRODUCTS)]))
        elif how == "change":
            at = changeable[step.pick % len(changeable)]
            wanted[at] = replace(wanted[at], line_item=changed_item(wanted[at].line_item))
        else:
            del wanted[live[step.pick % len(live)]]
        await revise_service_order(actor, self.order_id, "customer changed", wanted)
        event(f"revise: {how}")
        await self.load_dependencies()
        after = await scoped_snapshot(self.order_id, rows)
        old, new = by_id(rows, "task"), by_id(after, "task")
        for task_id, was in old.items():
            now = new[task_id]  # a task row is never deleted
            if now["state"] is not TaskState.CANCELLED and was["state"] not in {T.PENDING, T.READY}:
                assert (now["state"], now["assignee_id"]) == (was["state"], was["assignee_id"])
        old_fallouts = by_id(rows, "fallout")
        return Counter(
            {
                "service_order.revised": 1,
                "task.created": len(new) - len(old),
                "task.cancelled": sum(
                    new[i]["state"] is TaskState.CANCELLED and t["state"] is not TaskState.CANCELLED
                    for i, t in old.items()
                ),
                "fallout.cancelled": sum(
                    f["state"] is F.CANCELLED and old_fallouts[f["id"]]["state"] is not F.CANCELLED
                    for f in after["fallout"]
                ),
                "task.waiting": sum(
                    t["state"] is T.READY and new[i]["state"] is T.PENDING for i, t in old.items()
                ),
            }
        )

    async def check_rollups(self, after: object) -> None:
        expected, stored = await expected_vs_stored(self.order_id)
        assert stored == expected, after
        # One open change per product, whichever orders name it.
        open_changes = Counter(
            await LineItem.filter(
                changed_product_id__not_isnull=True,
                state__not_in=list(FINAL_ITEMS),
                service_order__state__not_in=list(FINAL_ORDERS),
            ).values_list("changed_product_id", flat=True)
        )
        assert all(n == 1 for n in open_changes.values()), (after, open_changes)

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
            automated = task["kind"] is TaskKind.AUTOMATED
            if state is TaskState.IN_PROGRESS and not automated:
                assert task["assignee_id"] is not None
            holds = automated and state is TaskState.IN_PROGRESS
            assert (task["locked_by"] is not None) == holds, f"{number} lock vs state"
            assert (task["lock_expires_at"] is not None) == holds, f"{number} lock expiry"
            if automated:
                assert task["attempts"] <= task["max_attempts"], f"{number} tried too often"
            on_hold = state is TaskState.ON_HOLD
            assert open_fallouts[task_id] == int(on_hold), f"{number} hold vs fallout"
        [order] = rows["order"]
        held = order["state"] is ServiceOrderState.HELD
        assert (order["held_from"], order["held_at"] is not None) == (
            (ServiceOrderState.IN_PROGRESS, True) if held else (None, False)
        ), "a hold remembers what it was held from and since when, and only while held"
        # Cancelled or failed: the item's work was stopped.
        cancelled_items = {
            i["id"]
            for i in rows["line_item"]
            if i["cancelled_at"] is not None or i["failed_at"] is not None
        }
        all_done = all(
            t["state"] in {TaskState.COMPLETED, TaskState.SKIPPED} for t in tasks.values()
        )
        if all_done and not cancelled_items:
            assert order["state"].value == "COMPLETED", "all the work is done, the order open"
            assert order["completed_at"] is not None
        # A cancelled item's own work is over: only its compensating tasks may still be open.
        # Compensation runs only where work was dropped: in a cancelled domain order (of a
        # cancelled item, or one a revision left out).
        item_of = {d["id"]: d["line_item_id"] for d in rows["domain_order"]}
        dropped = {d["id"] for d in rows["domain_order"] if d["cancelled_at"] is not None}
        for task in tasks.values():
            if task["compensates_id"] is not None:
                assert task["domain_order_id"] in dropped, task["number"]
            elif item_of[task["domain_order_id"]] in cancelled_items:
                assert task["state"] in FINAL_TASKS, f"{task['number']} of a cancelled item"
        # viewerCan.failLineItem reads the fallout's task alone: an open fallout on an item's own
        # work (not a compensation) is on an item neither stopped nor final.
        items = by_id(rows, "line_item")
        for fallout in rows["fallout"]:
            task = tasks[fallout["task_id"]]
            if fallout["state"] in {F.OPEN, F.IN_PROGRESS} and task["compensates_id"] is None:
                item = items[item_of[task["domain_order_id"]]]
                assert item["id"] not in cancelled_items, f"{fallout['number']} of a stopped item"
                assert item["state"] not in FINAL_ITEMS, f"{fallout['number']} of a final item"
        # A failed item (and only one) is FAILED once nothing of it is open, CANCELLING before.
        for item in rows["line_item"]:
            mine = [t for t in tasks.values() if item_of[t["domain_order_id"]] == item["id"]]
            if item["state"] is FulfillmentState.FAILED:
                assert item["failed_at"] is not None, f"item {item['id']} FAILED unmarked"
                assert all(t["state"] in FINAL_TASKS for t in mine), f"FAILED item {item['id']}"
            if item["failed_at"] is not None:
                assert item["cancelled_at"] is None, f"item {item['id']} failed and cancelled"
                assert item["state"] in {FulfillmentState.CANCELLING, FulfillmentState.FAILED}
        # The order's state is its items', by the one rule.
        item_states = [FulfillmentState(i["state"]) for i in rows["line_item"]]
        failing = sum(
            1
            for i in rows["line_item"]
            if i["state"] is FulfillmentState.CANCELLING and i["failed_at"] is not None
        )
        expected = order_state_from_items(item_states, failing=failing)
        if held and expected is ServiceOrderState.IN_PROGRESS:
            expected = ServiceOrderState.HELD  # a hold lasts while work is left
        assert order["state"] is expected, order["state"]
        for table in ("task", "domain_order", "fallout"):
            numbers = [row["number"] for row in rows[table]]
            assert len(set(numbers)) == len(numbers)
        assert sorted(f["number"] for f in rows["fallout"]) == [
            f"FO{n:07d}" for n in range(1, len(rows["fallout"]) + 1)
        ]


async def scoped_snapshot(order_id: int, before: Rows | None = None) -> Rows:
    """The snapshot with only the run's order and its line items: the orders that bought the
    changed products, and those a step submits to change one, are not the run's (their products
    are: every sold product stays in)."""
    rows = await snapshot(before)
    return {
        **rows,
        "order": [o for o in rows["order"] if o["id"] == order_id],
        "line_item": [i for i in rows["line_item"] if i["service_order_id"] == order_id],
    }


async def bought(
    users: dict[str, User], change: LineItemInput, characteristics: dict[str, Any]
) -> LineItemInput:
    """`change` naming an ACTIVE product of the customer, bought with `characteristics` by an
    earlier, COMPLETED order (written as rows: how it was fulfilled is not this test's)."""
    spec = await ServiceSpecification.get(code=change.specification_code)
    order = await ServiceOrder.create(
        number=f"SOB{await ServiceOrder.all().count():07d}",
        customer=CUSTOMER,
        state=ServiceOrderState.COMPLETED,
        submitted_by_id=users["partner"].id,
    )
    item = await LineItem.create(
        service_order_id=order.id,
        position=0,
        action=LineItemAction.ADD,
        specification_id=spec.id,
        characteristics=characteristics,
        state=FulfillmentState.COMPLETED,
    )
    product = await SoldProduct.create(
        line_item_id=item.id,
        specification_id=spec.id,
        customer=CUSTOMER,
        state=SoldProductState.ACTIVE,
        characteristics=characteristics,
        activated_at=order.created_at,
    )
    return replace(change, sold_product_id=product.id)


# --- The installed base, whichever orders changed it ---------------------------------------
# A product's own events, by kind: the state it leaves and the state it reaches.
PRODUCT_MOVES = {
    "sold_product.activated": ("PENDING", "ACTIVE"),
    "sold_product.cancelled": ("PENDING", "CANCELLED"),
    "sold_product.modified": ("ACTIVE", "ACTIVE"),
    "sold_product.terminated": ("ACTIVE", "TERMINATED"),
}
# The kinds a changing item writes, and the action of that item.
CHANGED_BY = {"sold_product.modified": MODIFY, "sold_product.terminated": DELETE}
BOUGHT_ORDERS = "SOB"  # the numbers of the orders `bought` writes


async def check_installed_base(rows: Rows, after: object) -> None:
    """Every sold product (the run's, the bought ones, the ones competitors name):
    - an open change (an open item of an open order naming it) names an ACTIVE product;
    - its history walks its state machine from where it started (PENDING, or ACTIVE for a
      bought one) to its state now; each modification starts from the characteristics the
      product had then, and it has the last ones set;
    - an activation or cancellation is its own ADD item's, a modification or termination a
      COMPLETED MODIFY or DELETE item's that names it;
    - it has an activation date once ACTIVE (or TERMINATED), a termination date exactly when
      TERMINATED."""
    items = {
        i["id"]: i
        for i in await LineItem.all().values(
            "id",
            "action",
            "state",
            "characteristics",
            "changed_product_id",
            "service_order__state",
            "service_order__number",
        )
    }
    products = by_id(rows, "sold_product")
    for item in items.values():
        open_change = item["changed_product_id"] is not None and item["state"] not in FINAL_ITEMS
        if open_change and item["service_order__state"] not in FINAL_ORDERS:
            product = products[item["changed_product_id"]]
            assert product["state"] is SoldProductState.ACTIVE, (after, item, product)
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in rows["event"]:
        if e["entity_type"] == "sold_product":
            history[e["entity_id"]].append(e)
    for product in products.values():
        creator = items[product["line_item_id"]]
        was_bought = str(creator["service_order__number"]).startswith(BOUGHT_ORDERS)
        state = "ACTIVE" if was_bought else "PENDING"
        values = creator["characteristics"] if was_bought else {}
        for e in history[product["id"]]:
            assert (str(e["previous_state"]), str(e["new_state"])) == PRODUCT_MOVES[e["kind"]]
            assert state == str(e["previous_state"]), (after, product["id"], e["kind"])
            state = str(e["new_state"])
            item = items[e["payload"]["lineItemId"]]
            if e["kind"] in CHANGED_BY:
                assert item["changed_product_id"] == product["id"], e
                assert (item["action"], item["state"]) == (
                    CHANGED_BY[e["kind"]],
                    FulfillmentState.COMPLETED,
                ), e
            else:
                assert item["id"] == product["line_item_id"], e
            if e["kind"] == "sold_product.modified":
                assert e["payload"]["previousCharacteristics"] == values, (after, e)
            values = e["payload"].get("characteristics", values)
        assert state == str(product["state"]), (after, product)
        assert product["characteristics"] == values, (after, product)
        assert (product["activated_at"] is not None) == (
            product["state"] in {SoldProductState.ACTIVE, SoldProductState.TERMINATED}
        ), (after, product)
        assert (product["terminated_at"] is not None) == (
            product["state"] is SoldProductState.TERMINATED
        ), (after, product)


def done_tasks(rows: Rows) -> set[int]:
    return {t["id"] for t in rows["task"] if t["state"] in {TaskState.COMPLETED, TaskState.SKIPPED}}


def is_consequence(event: dict[str, Any]) -> bool:
    """An event written because of the step, not by it: a rollup's state change, a task
    released (READY, or finished as a resolution decided while it waited)."""
    kind = str(event["kind"])
    if kind.startswith("sold_product."):
        return True  # a finished item settles its product
    return kind.endswith(("state_changed", "ready", "jeopardy_changed")) or bool(
        event["payload"].get("deferred")
    )


def changed_item(item: LineItemInput) -> LineItemInput:
    """The item as a revision changes it: a fibre line's IP version (which adds or drops the
    prefix), a MODIFY's roaming (the other change it makes; its quantity is its product's),
    an ADD's quantity."""
    if item.specification_code == FIBRE:
        ip = item.characteristics.get("ipVersion")
        characteristics = dict(item.characteristics)
        characteristics["ipVersion"] = "IPV4" if ip != "IPV4" else "DUAL_STACK"
        return replace(item, characteristics=characteristics)
    if item.action is MODIFY:
        roaming = bool(item.characteristics.get("roaming"))
        return replace(item, characteristics={**item.characteristics, "roaming": not roaming})
    return replace(item, quantity=3 - item.quantity if item.quantity <= 2 else 1)


def passed_by_completion(event: dict[str, Any], rows: Rows) -> bool:
    """A point of no return passed by a marked task completed without a start: a consequence
    of whatever completed it (a resolution, or a predecessor releasing a decided outcome)."""
    if event["kind"] != "line_item.point_of_no_return_reached":
        return False
    return by_id(rows, "task")[event["payload"]["taskId"]]["started_at"] is None


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
            events = events_of[entity_type, row_id]
            previous = str(was["state"]) if was else CREATED_STATE.get(table, "PENDING")
            if was is None and events and events[0]["previous_state"] is None:
                previous = None  # created after decomposition, with an event (task.created)
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
            e["kind"]
            for e in new_events
            if e["entity_type"] == entity_type
            and (is_consequence(e) or passed_by_completion(e, after))
        )
    kinds = Counter(e["kind"] for e in new_events) - consequences
    assert kinds == +own, (kinds, own)


def check_lifecycle(operation: str, before: Rows, after: Rows) -> None:
    """The lifecycle's rules across a step that went through (cancel, hold, resume, revise,
    point of no return), beside the plan's invariants (`Run.check_invariants`)."""
    [was], [now] = before["order"], after["order"]
    old_tasks, new_tasks = by_id(before, "task"), by_id(after, "task")
    item_of = {d["id"]: d["line_item_id"] for d in after["domain_order"]}
    # An item is past its point of no return exactly when one of its marked tasks has started,
    # or was completed without a start (a resolution decided it done).
    started_marked = {
        item_of[t["domain_order_id"]]
        for t in new_tasks.values()
        if t["is_point_of_no_return"]
        and (t["started_at"] is not None or t["state"] is TaskState.COMPLETED)
    }
    for item in after["line_item"]:
        passed = item["point_of_no_return_reached_at"] is not None
        assert passed == (item["id"] in started_marked), f"item {item['id']} point of no return"
    # Past it, nothing cancels or revises the item: its values, its cancellation and its
    # tasks' cancellations stay as they were.
    old_items = by_id(before, "line_item")
    for item in after["line_item"]:
        had = old_items.get(item["id"])
        if had is None or had["point_of_no_return_reached_at"] is None:
            if item["point_of_no_return_reached_at"] is not None:
                event(f"{operation}: passes a point of no return")
            continue
        if item["failed_at"] != had["failed_at"]:
            continue  # a failure is not the customer's change: it stops work past the mark
        fields = ("cancelled_at", "quantity", "characteristics")
        assert {f: item[f] for f in fields} == {f: had[f] for f in fields}, (operation, item)
        for task_id, task in old_tasks.items():
            if item_of[task["domain_order_id"]] == item["id"]:
                cancelled_now = new_tasks[task_id]["state"] is TaskState.CANCELLED
                assert cancelled_now == (task["state"] is TaskState.CANCELLED), (operation, task)
    # Held, no task starts (a person's start or a worker's fetch): READY stays READY.
    if was["state"] is ServiceOrderState.HELD:
        for task_id, task in old_tasks.items():
            if task["state"] is TaskState.READY:
                assert new_tasks[task_id]["state"] is not TaskState.IN_PROGRESS, operation
    # A hold or a resume moves no task; resume returns the order to the state it was held from.
    if operation in {"hold", "resume"}:
        assert {i: t["state"] for i, t in new_tasks.items()} == {
            i: t["state"] for i, t in old_tasks.items()
        }, operation
    if operation == "resume":
        assert now["state"] is was["held_from"]
    # The revision number counts the revisions, and nothing else moves it.
    assert now["revision"] == was["revision"] + (operation == "revise"), operation


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
    # No new line, sometimes: an order of changes alone (then their items finish more often).
    items=st.lists(st.sampled_from(PRODUCTS), max_size=2),
    # At most two: a MODIFY and a DELETE of two products in one order, say.
    changes=st.lists(st.sampled_from(CHANGES), max_size=2),
    # The requested completion, minutes after the submission: none, late, at risk, on time.
    due_in=st.sampled_from([None, 30, 2000, 50000]),
)
# A MODIFY and a DELETE worked to the end by whoever may: every run sees a product modified
# and one terminated (the drawn examples finish a change less often).
@example(
    sequence=[Step("start", None, 1, FalloutAction.RETRY_TASK)] * 40,
    items=[],
    changes=[CHANGES[2], CHANGES[5]],
    due_in=None,
)
# An order of nothing but a change with nothing to do: complete from its approval.
@example(
    sequence=[Step("start", None, 1, FalloutAction.RETRY_TASK)] * 20,
    items=[],
    changes=[CHANGES[6]],
    due_in=None,
)
# A mobile line whose SIM was allocated and whose dispatch (its point of no return) started,
# then fails through a fallout: its allocation is undone, and the item ends FAILED.
@example(
    sequence=[
        *[Step("start", None, 0, FalloutAction.RETRY_TASK)] * 3,
        Step("create_fallout", None, 0, FalloutAction.RETRY_TASK),
        Step("fail_item", None, 0, FalloutAction.FAIL_LINE_ITEM),
        *[Step("start", None, 0, FalloutAction.RETRY_TASK)] * 4,
    ],
    items=[LineItemInput("MOBILE_LINE")],
    changes=[],
    due_in=None,
)
async def test_random_operations_keep_the_plan_consistent(
    db: str,
    sequence: list[Step],
    items: list[LineItemInput],
    changes: list[tuple[LineItemInput, dict[str, Any]]],
    due_in: int | None,
) -> None:
    # Hypothesis runs the body once per example: each starts from a database without orders,
    # and a clock of its own (the steps move it).
    await empty_order_tables(db)
    clock = FakeClock()
    previous_clock = use_clock(clock.now)
    try:
        await run_steps(sequence, items, changes, due_in, clock)
    finally:
        use_clock(previous_clock)


async def run_steps(
    sequence: list[Step],
    items: list[LineItemInput],
    changes: list[tuple[LineItemInput, dict[str, Any]]],
    due_in: int | None,
    clock: FakeClock,
) -> None:
    users = await demo_users()
    changing = [await bought(users, change, had) for change, had in changes]
    if not items and not changing:
        items = [PRODUCTS[0]]
    submitted = await submit_service_order(
        users["partner"],
        SubmitOrderInput(
            customer=CUSTOMER,
            line_items=[*items, *changing],
            requested_completion_date=None
            if due_in is None
            else clock.now() + timedelta(minutes=due_in),
        ),
    )
    rows = await scoped_snapshot(submitted.id)
    order = await approve_service_order(users["manager"], submitted.id)
    compensated = await TaskTemplate.filter(compensated_by_id__isnull=False).values_list(
        "id", flat=True
    )
    run = Run(users, order.id, frozenset(cast(int, id) for id in compensated), clock)
    await run.load_dependencies()
    after = await scoped_snapshot(order.id, rows)
    run.check_invariants(after)
    await check_installed_base(after, "approval")
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
            assert await scoped_snapshot(order.id, rows) == rows, (
                f"{step} was refused but changed something"
            )
            continue
        event(f"done: {operation}")
        if operation == "start":
            [order_row] = rows["order"]
            assert order_row["state"] is not ServiceOrderState.HELD, "a task started while held"
        after = await scoped_snapshot(order.id, rows)
        run.check_invariants(after)
        await check_installed_base(after, step)
        await run.check_rollups(step)
        await run.check_schedule(step)
        check_events(rows, after, own)
        check_lifecycle(operation, rows, after)
        rows = after
    final = await ServiceOrder.get(id=order.id)
    event(f"order ends {final.state.value}")
