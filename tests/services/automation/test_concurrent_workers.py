"""Four workers at once on PostgreSQL, each fetching on its own connections: every task is
locked by one worker at a time and completed exactly once, and every order's progress is
exact (services/automation/fetch.py: SKIP LOCKED on the orders, then on their tasks); and a
fetch passes over an order someone holds instead of waiting for it or coming back empty."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from tortoise.transactions import in_transaction

from models import Event, ServiceOrder, Task, User
from models.enums import ServiceOrderState, TaskKind, TaskState
from services.automation import complete_automated_task, fetch_and_lock_tasks
from services.automation_policy import Automation
from services.locking import lock_order
from tests.services.automation.plans import HANDLER, POLICY, automated_plan, fetch
from tests.services.plan_oracle import expected_vs_stored
from tests.services.task_plans import build_plan
from tests.services.test_concurrency_postgres import pool_of

pytestmark = pytest.mark.postgres_only

ORDERS = 20
TASKS_PER_ORDER = 10
WORKERS = 4


async def work_until_none_is_left(users: dict[str, User], worker: str) -> list[int]:
    """Fetch and complete until no READY automated task is left; the ids this worker did."""
    done: list[int] = []
    while True:
        locked = await fetch_and_lock_tasks(
            users["automation"], worker_id=worker, handlers=[HANDLER], max_tasks=5, lock_seconds=60
        )
        if not locked:
            if not await Task.filter(kind=TaskKind.AUTOMATED, state=TaskState.READY).exists():
                return done
            await asyncio.sleep(0)  # the others hold those orders for a moment: look again
            continue
        for task in locked:
            assert task.task.locked_by == worker
            await complete_automated_task(
                users["automation"], task_id=task.task.id, worker_id=worker, output={"by": worker}
            )
            done.append(task.task.id)


async def test_four_workers_complete_every_task_once_and_the_progress_is_exact(
    users: dict[str, User],
) -> None:
    # given 200 READY automated tasks across 20 orders
    orders = []
    for _ in range(ORDERS):
        shape: dict[str, list[str]] = {f"t{i}": [] for i in range(TASKS_PER_ORDER)}
        plan = await build_plan(users["partner"], {"item": {"do": shape}})
        orders.append(plan.order_id)
    columns = Automation(HANDLER, POLICY).task_columns()
    await Task.filter(service_order_id__in=orders).update(**columns)

    # when four workers fetch and complete them at once
    async with pool_of(WORKERS * 2):
        done = await asyncio.gather(
            *(work_until_none_is_left(users, f"worker-{n}") for n in range(WORKERS))
        )

    # then each task was locked once, by one worker, and completed once, by that worker
    every = [task_id for ids in done for task_id in ids]
    assert len(every) == len(set(every)) == ORDERS * TASKS_PER_ORDER
    locks = Counter(await Event.filter(kind="task.locked").values_list("entity_id", flat=True))
    completions = Counter(
        await Event.filter(kind="task.completed").values_list("entity_id", flat=True)
    )
    assert set(locks.values()) == set(completions.values()) == {1}
    for worker, ids in enumerate(done):
        outputs = [task.output for task in await Task.filter(id__in=ids)]
        assert outputs == [{"by": f"worker-{worker}"}] * len(ids)
    # and every order is COMPLETED with exact counters at every level
    for order_id in orders:
        expected, stored = await expected_vs_stored(order_id)
        assert stored == expected
        order = await ServiceOrder.get(id=order_id)
        assert (order.state, order.tasks_done, order.tasks_total) == (
            ServiceOrderState.COMPLETED,
            TASKS_PER_ORDER,
            TASKS_PER_ORDER,
        )


async def test_a_fetch_passes_over_an_order_another_transaction_holds(
    users: dict[str, User],
) -> None:
    # given two orders of READY automated tasks, the older one's lock held by a transaction
    # still open (a completion of one of its tasks, say)
    held = await automated_plan(users["partner"], ("a", "b"))
    free = await automated_plan(users["partner"], ("a", "b"))
    holding, done = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with in_transaction():
            await lock_order(held.order_id)
            holding.set()
            await done.wait()

    async with pool_of(4):
        holder = asyncio.create_task(hold())
        await holding.wait()

        # when a worker fetches two (a fetch that waited for the lock would never return)
        taken = await asyncio.wait_for(fetch(users, max_tasks=2), 10)
        done.set()
        await holder

    # then it took the other order's tasks, and the held order's are still READY
    assert [t.task.id for t in taken] == [free.task_ids["a"], free.task_ids["b"]]
    assert (await held.task("a")).state is TaskState.READY
    assert (await held.task("b")).state is TaskState.READY
