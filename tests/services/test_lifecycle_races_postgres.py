"""A revision, a hold, a failure and the work on the same order at the same moment, on
PostgreSQL.

Each call runs in its own transaction on its own connection (`pool_of`), and every one of them
locks the order row first (services/locking.py; a worker's fetch skips an order it cannot lock
at once), so the result is always one of the two serial outcomes, whichever came first, and the
plan is consistent after it: progress and rollups what the task rows say, and no task ready,
running or done while something it waits on is not done. Which call comes first is the
scheduler's; the two are passed in both orders across the rounds, and each round is judged on
its own. (A cancellation racing a completion: test_concurrency_postgres.py.)
"""

from __future__ import annotations

import pytest

from models import Event, FalloutRecord, LineItem, ServiceOrder, Task, TaskDependency, User
from models.enums import (
    TASK_DONE_STATES,
    FalloutAction,
    FalloutType,
    FulfillmentState,
    ServiceOrderState,
    TaskKind,
    TaskState,
)
from services.automation import complete_automated_task, fetch_and_lock_tasks
from services.errors import DomainError, ErrorCode
from services.fallouts import create_fallout, resolve_fallout
from services.orders import LineItemInput, RevisedItemInput, hold_service_order
from services.orders import revise_service_order as revise
from services.tasks import start_task
from tests.services.automation.plans import lock_to
from tests.services.orders.plan_work import task_by_code, work
from tests.services.plan_oracle import expected_vs_stored
from tests.services.task_plans import agent_for, approved_order
from tests.services.test_concurrency_postgres import at_once

pytestmark = pytest.mark.postgres_only

ROUNDS = 4
FIBRE = "FIBRE_BROADBAND"
IPV4 = {"ipVersion": "IPV4"}
DUAL = {"ipVersion": "DUAL_STACK"}
HANDLERS = [
    "demo.activate_billing",
    "demo.activate_service",
    "demo.allocate_resource",
    "demo.configure_network",
]


async def assert_consistent(order_id: int) -> None:
    """Rollups are what the tasks say, and no task moved on before what it waits on was done."""
    expected, stored = await expected_vs_stored(order_id)
    assert stored == expected
    state = {task.id: task.state for task in await Task.filter(service_order_id=order_id)}
    for task_id, depends_on_id in await TaskDependency.filter(
        task__service_order_id=order_id
    ).values_list("task_id", "depends_on_id"):
        if state[task_id] in {TaskState.READY, TaskState.IN_PROGRESS, TaskState.COMPLETED}:
            assert state[depends_on_id] in TASK_DONE_STATES, (task_id, depends_on_id)


def to_ipv4(item: LineItem) -> list[RevisedItemInput]:
    return [RevisedItemInput(item.id, LineItemInput(FIBRE, characteristics=IPV4))]


async def test_a_revision_racing_the_completion_of_work_it_drops_serialises_either_way(
    users: dict[str, User],
) -> None:
    for round in range(ROUNDS):
        # given a dual-stack fibre line whose prefix a worker is allocating
        order = await approved_order(users, LineItemInput(FIBRE, characteristics=DUAL))
        allocate = await task_by_code(order.id, "allocate_ipv6_prefix")
        await lock_to(allocate.id, "w1")
        [item] = await LineItem.filter(service_order_id=order.id)

        # when the worker completes it as the manager revises the line to IPv4 (no prefix)
        completed, revised = await at_once(
            round % 2 == 0,
            complete_automated_task(
                users["automation"], task_id=allocate.id, worker_id="w1", output={}
            ),
            revise(users["manager"], order.id, "IPv4 only", to_ipv4(item)),
        )

        # then the revision goes through either way
        assert isinstance(revised, ServiceOrder), revised
        assert (revised.revision, (await LineItem.get(id=item.id)).characteristics) == (1, IPV4)
        stored = await Task.get(id=allocate.id)
        release = await Task.filter(compensates_id=allocate.id)
        if isinstance(completed, Task):
            # completed first: the prefix was allocated, so the revision releases it
            assert stored.state is TaskState.COMPLETED
            assert [t.state for t in release] == [TaskState.READY]
        else:
            # revised first: the allocation was called off with the worker's lock
            assert isinstance(completed, DomainError), completed
            assert completed.code is ErrorCode.CONFLICT
            assert (stored.state, stored.locked_by, release) == (TaskState.CANCELLED, None, [])
        await assert_consistent(order.id)


async def test_a_revision_racing_the_start_of_the_point_of_no_return_serialises_either_way(
    users: dict[str, User],
) -> None:
    for round in range(ROUNDS):
        # given a dual-stack fibre line whose fibre drop (its point of no return) is READY
        order = await approved_order(users, LineItemInput(FIBRE, characteristics=DUAL))
        await work(order.id, users, "ship_ont", "site_survey")
        drop = await task_by_code(order.id, "install_fibre_drop")
        installer = await agent_for(drop, users)
        [item] = await LineItem.filter(service_order_id=order.id)

        # when the crew starts the drop as the manager revises the line to IPv4
        started, revised = await at_once(
            round % 2 == 0,
            start_task(installer, drop.id),
            revise(users["manager"], order.id, "IPv4 only", to_ipv4(item)),
        )

        # then the drop is under way either way, and the item past its point of no return
        assert isinstance(started, Task), started
        assert (await Task.get(id=drop.id)).state is TaskState.IN_PROGRESS
        passed = await LineItem.get(id=item.id)
        assert passed.point_of_no_return_reached_at is not None
        prefix = await task_by_code(order.id, "allocate_ipv6_prefix")
        if isinstance(revised, ServiceOrder):
            # revised first: the item was re-planned before the drop started (it kept it)
            assert (revised.revision, passed.characteristics) == (1, IPV4)
            assert prefix.state is TaskState.CANCELLED
        else:
            # started first: the revision is refused past the point of no return, and changed
            # nothing
            assert isinstance(revised, DomainError), revised
            assert revised.code is ErrorCode.INVALID_STATE
            stored = await ServiceOrder.get(id=order.id)
            assert (stored.revision, passed.characteristics) == (0, DUAL)
            assert prefix.state is TaskState.READY
            assert not await Event.filter(
                service_order_id=order.id, kind="service_order.revised"
            ).exists()
        await assert_consistent(order.id)


async def test_a_hold_racing_a_workers_fetch_serialises_either_way(
    users: dict[str, User],
) -> None:
    for round in range(ROUNDS):
        # given a mobile line whose automated first tasks are READY
        order = await approved_order(users, "MOBILE_LINE")
        ready = await Task.filter(
            service_order_id=order.id, state=TaskState.READY, kind=TaskKind.AUTOMATED
        ).count()
        assert ready

        # when a worker fetches as the manager holds the order
        fetched, held = await at_once(
            round % 2 == 0,
            fetch_and_lock_tasks(
                users["automation"],
                worker_id="w1",
                handlers=HANDLERS,
                max_tasks=10,
                lock_seconds=60,
                service_order_id=order.id,
            ),
            hold_service_order(users["manager"], order.id, "Permit pending"),
        )

        # then the order is held either way, and no task was locked after the hold
        assert isinstance(held, ServiceOrder), held
        assert isinstance(fetched, list), fetched
        stored = await ServiceOrder.get(id=order.id)
        assert (stored.state, stored.held_from) == (
            ServiceOrderState.HELD,
            ServiceOrderState.IN_PROGRESS,
        )
        events = await Event.filter(service_order_id=order.id).order_by("id")
        kinds = [str(event.kind) for event in events]
        locked = kinds.count("task.locked")
        assert "task.locked" not in kinds[kinds.index("service_order.held") :]
        running = await Task.filter(service_order_id=order.id, state=TaskState.IN_PROGRESS)
        # fetched first: its tasks run on (work under way may finish while held); held
        # first: the fetch found nothing to take, and every READY task stays READY
        assert len(fetched) == locked == len(running) in {0, ready}
        assert all(task.locked_by == "w1" for task in running)
        await assert_consistent(order.id)


async def test_a_hold_racing_a_start_serialises_either_way(users: dict[str, User]) -> None:
    for round in range(ROUNDS):
        # given a fibre line whose ONT shipment (a manual task) is READY
        order = await approved_order(users, LineItemInput(FIBRE, characteristics=IPV4))
        ship = await task_by_code(order.id, "ship_ont")
        agent = await agent_for(ship, users)

        # when the agent starts it as the manager holds the order
        started, held = await at_once(
            round % 2 == 0,
            start_task(agent, ship.id),
            hold_service_order(users["manager"], order.id, "Permit pending"),
        )

        # then the order is held either way; the start went through only before the hold
        assert isinstance(held, ServiceOrder), held
        stored = await Task.get(id=ship.id)
        if isinstance(started, Task):
            assert stored.state is TaskState.IN_PROGRESS
            kinds = await Event.filter(service_order_id=order.id).order_by("id")
            order_of = [str(e.kind) for e in kinds]
            assert order_of.index("task.started") < order_of.index("service_order.held")
        else:
            assert isinstance(started, DomainError), started
            assert started.code is ErrorCode.INVALID_STATE
            assert stored.state is TaskState.READY
        await assert_consistent(order.id)


async def test_a_line_item_failing_racing_a_workers_completion_serialises_either_way(
    users: dict[str, User],
) -> None:
    for round in range(ROUNDS):
        # given a mobile line whose SIM allocation fell out, its number reserved by a worker
        order = await approved_order(users, "MOBILE_LINE")
        reserve = await task_by_code(order.id, "reserve_msisdn")
        await lock_to(reserve.id, "w1")
        allocate = await task_by_code(order.id, "allocate_sim")
        agent = await agent_for(allocate, users)
        await start_task(agent, allocate.id)
        fallout = await create_fallout(agent, allocate.id, FalloutType.OTHER, "No SIM stock")

        # when the worker completes the reservation as the manager fails the line item
        completed, resolved = await at_once(
            round % 2 == 0,
            complete_automated_task(
                users["automation"], task_id=reserve.id, worker_id="w1", output={}
            ),
            resolve_fallout(users["manager"], fallout.id, FalloutAction.FAIL_LINE_ITEM, "Gone"),
        )

        # then the item fails either way
        assert isinstance(resolved, FalloutRecord), resolved
        item = await LineItem.get(service_order_id=order.id)
        stored = await Task.get(id=reserve.id)
        release = await Task.filter(compensates_id=reserve.id)
        if isinstance(completed, Task):
            # completed first: the number was reserved, so the failure releases it
            assert stored.state is TaskState.COMPLETED
            assert [t.state for t in release] == [TaskState.READY]
            assert item.state is FulfillmentState.CANCELLING
        else:
            # failed first: the reservation was called off with the worker's lock
            assert isinstance(completed, DomainError), completed
            assert completed.code is ErrorCode.CONFLICT
            assert (stored.state, stored.locked_by, release) == (TaskState.CANCELLED, None, [])
            assert item.state is FulfillmentState.FAILED
            assert (await ServiceOrder.get(id=order.id)).state is ServiceOrderState.FAILED
        await assert_consistent(order.id)
