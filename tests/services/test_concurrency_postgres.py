"""Concurrent calls on one order, on PostgreSQL: the order row lock serialises them exactly.

Each call runs in its own transaction on its own pooled connection. Tortoise's asyncpg pool
holds at most five connections by default, which would queue the callers in the pool rather
than on the lock; these tests borrow a pool wide enough for every caller at once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import pytest
from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.config_generator import expand_db_url

from models import Event, FalloutRecord, ServiceOrder, Task, User
from models.enums import FalloutType, ServiceOrderState, TaskState
from services.automation import complete_automated_task
from services.errors import DomainError, ErrorCode
from services.fallouts import create_fallout
from services.orders.cancel import cancel_service_order
from services.tasks import complete_task, start_task
from tests.services.automation.plans import lock_to
from tests.services.plan_oracle import expected_vs_stored
from tests.services.task_plans import (
    PlanShape,
    approved_order,
    build_plan,
    put_task,
)

pytestmark = pytest.mark.postgres_only

COMPLETIONS = 50
FALLOUTS = 6


@asynccontextmanager
async def pool_of(size: int) -> AsyncIterator[None]:
    """Run the block (and the tasks it gathers) on a pool of `size` connections."""
    url = connections.db_config["default"]
    credentials = expand_db_url(f"{url}?minsize=1&maxsize={size}")["credentials"]
    client = AsyncpgDBClient(connection_name="default", **credentials)
    await client.create_connection(with_db=True)
    token = connections.set("default", client)
    try:
        yield
    finally:
        connections.reset(token)
        await client.close()


async def test_two_agents_starting_one_task_at_once_only_one_gets_it(
    users: dict[str, User],
) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    # Both demo agents work in logistics; ship_ont has no predecessor.
    task = await Task.get(service_order_id=order.id, name__icontains="ONT", state=TaskState.READY)

    async with pool_of(4):
        outcomes = await asyncio.gather(
            start_task(users["agent1"], task.id),
            start_task(users["agent2"], task.id),
            return_exceptions=True,
        )

    winners = [o for o in outcomes if isinstance(o, Task)]
    losers = [o for o in outcomes if isinstance(o, DomainError)]
    assert (len(winners), len(losers)) == (1, 1)
    # The loser finds the task already the winner's: permission is checked before state.
    assert losers[0].code is ErrorCode.FORBIDDEN
    stored = await Task.get(id=task.id)
    assert (stored.state, stored.assignee_id, stored.attempts, stored.version) == (
        TaskState.IN_PROGRESS,
        winners[0].assignee_id,
        1,
        2,
    )
    assert await Event.filter(kind="task.started", entity_id=task.id).count() == 1


async def test_many_concurrent_completions_and_reports_lose_no_update(
    users: dict[str, User],
) -> None:
    # Ten domain orders of six independent tasks over five line items; agent1 works them all.
    shape: PlanShape = {
        f"item{i}": {f"do{i}{j}": {f"t{i}{j}{k}": [] for k in range(6)} for j in range(2)}
        for i in range(5)
    }
    plan = await build_plan(users["partner"], shape)
    names = sorted(plan.task_ids)
    for name in names:
        await put_task(plan.task_ids[name], TaskState.IN_PROGRESS, assignee=users["agent1"])
    to_complete, to_report = names[:COMPLETIONS], names[COMPLETIONS : COMPLETIONS + FALLOUTS]
    agent = users["agent1"]

    async with pool_of(COMPLETIONS + FALLOUTS):
        outcomes = await asyncio.gather(
            *(complete_task(agent, plan.task_ids[name]) for name in to_complete),
            *(
                create_fallout(agent, plan.task_ids[name], FalloutType.OTHER, "stuck")
                for name in to_report
            ),
            return_exceptions=True,
        )

    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    order = await plan.order()
    assert (order.tasks_total, order.tasks_done) == (60, COMPLETIONS)
    expected, stored = await expected_vs_stored(plan.order_id)
    assert stored == expected
    kinds = Counter(event.kind for event in await Event.all())
    assert (kinds["task.completed"], kinds["fallout.created"], kinds["task.on_hold"]) == (
        COMPLETIONS,
        FALLOUTS,
        FALLOUTS,
    )
    numbers = [fallout.number for fallout in await FalloutRecord.all()]
    assert sorted(numbers) == [f"FO{n:07d}" for n in range(1, FALLOUTS + 1)]


async def test_a_cancellation_racing_a_completion_serialises_either_way(
    users: dict[str, User],
) -> None:
    # A few orders, the two calls passed in both orders, so that either may come first; each
    # race is judged on its own.
    for round in range(4):
        order = await approved_order(users, "MOBILE_LINE")
        # The number is reserved by a worker (an automated task), holding its lock.
        reserve = await Task.get(service_order_id=order.id, template__code="reserve_msisdn")
        await lock_to(reserve.id, "w1")

        completed, cancelled = await at_once(
            round % 2 == 0,
            complete_automated_task(
                users["automation"], task_id=reserve.id, worker_id="w1", output={}
            ),
            cancel_service_order(users["manager"], order.id, "Customer withdrew"),
        )

        assert isinstance(cancelled, ServiceOrder), cancelled
        stored = await Task.get(id=reserve.id)
        undo = await Task.filter(compensates_id=reserve.id)
        if isinstance(completed, Task):
            # Completed first: the number was reserved, so its release is planned.
            assert stored.state is TaskState.COMPLETED
            assert [t.state for t in undo] == [TaskState.READY]
            assert (await ServiceOrder.get(id=order.id)).state is ServiceOrderState.CANCELLING
        else:
            # Cancelled first: the worker's lock went with the task, nothing to undo.
            assert isinstance(completed, DomainError) and completed.code is ErrorCode.CONFLICT
            assert (stored.state, undo) == (TaskState.CANCELLED, [])
            assert (await ServiceOrder.get(id=order.id)).state is ServiceOrderState.CANCELLED
        expected, rolled = await expected_vs_stored(order.id)
        assert rolled == expected


async def at_once(
    as_given: bool, a: Coroutine[Any, Any, object], b: Coroutine[Any, Any, object]
) -> tuple[object, object]:
    """Run the two calls concurrently, each on its own connection, passed in the order given
    or in the other one; their outcomes in the order given (a result, or the error that
    refused it)."""
    async with pool_of(4):
        if as_given:
            first, second = await asyncio.gather(a, b, return_exceptions=True)
            return first, second
        second, first = await asyncio.gather(b, a, return_exceptions=True)
        return first, second
