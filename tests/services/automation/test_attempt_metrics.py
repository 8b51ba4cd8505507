"""What the automated tasks tell the operator: each attempt a worker took (`locked`) and how it
ended, by handler, counted once its transaction has committed
(`fulfillment_automated_tasks_total`, services/tasks/worker_lock.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from prometheus_client import REGISTRY

from models import Task, User
from models.enums import FalloutType
from services.automation.expiry import expire_locks
from services.automation.fail import apply_failure
from services.errors import ConflictError
from services.fallouts import create_fallout
from services.locking import lock_task
from services.orders.cancel import cancel_service_order
from services.tasks.worker_lock import Attempt
from services.unit_of_work import unit_of_work
from tests.fake_clock import FakeClock
from tests.services.automation.plans import (
    HANDLER,
    automated_plan,
    complete,
    complete_it,
    fail,
    fail_for_good,
    fail_retryable,
    fetch,
    lock_to,
)

COUNTER = "fulfillment_automated_tasks_total"

Ending = Callable[[dict[str, User], int, FakeClock], Awaitable[object]]


def counts(handler: str = HANDLER) -> dict[str, float]:
    return {
        outcome.value: REGISTRY.get_sample_value(
            COUNTER, {"handler": handler, "outcome": outcome.value}
        )
        or 0.0
        for outcome in Attempt
    }


def counted_since(before: dict[str, float], handler: str = HANDLER) -> dict[str, float]:
    """The outcomes counted since `before`, those that moved only."""
    return {k: v - before[k] for k, v in counts(handler).items() if v != before[k]}


async def test_each_task_a_fetch_locks_is_counted_by_its_handler(users: dict[str, User]) -> None:
    # given two automated tasks of one handler and one of another
    plan = await automated_plan(users["partner"], ("a", "b"))
    other = await automated_plan(users["partner"], ("c",))
    await lock_to(other.task_ids["c"])  # out of the fetch's reach
    before = counts()

    # when
    locked = await fetch(users)

    # then
    assert len(locked) == 2 == len(plan.task_ids)
    assert counted_since(before) == {"locked": 2}


async def fail_the_last_attempt(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    for _ in range(2):
        await fail(users, task_id, retryable=True)
        clock.advance(minutes=1)
        await fetch(users)
    return await fail(users, task_id, retryable=True)


async def let_the_lock_expire(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    clock.advance(seconds=61)
    return await expire_locks()


async def report_fallout(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    return await create_fallout(
        users["manager"], task_id, FalloutType.OTHER, "The OLT is being replaced."
    )


async def cancel_the_order(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    task = await Task.get(id=task_id)
    return await cancel_service_order(users["manager"], task.service_order_id, "Customer withdrew")


# How an attempt ends → what is counted (each `locked` once before it, by the fetch).
ENDINGS: dict[str, tuple[Ending, dict[str, float]]] = {
    "completed": (complete_it, {"completed": 1}),
    "failed, retried": (fail_retryable, {"retry_scheduled": 1}),
    "failed for good": (fail_for_good, {"fallout": 1}),
    "the last attempt failed": (
        fail_the_last_attempt,
        {"locked": 2, "retry_scheduled": 2, "fallout": 1},
    ),
    "the lock expired": (let_the_lock_expire, {"lock_expired": 1}),
    "a manager reported fallout": (report_fallout, {"fallout": 1}),
    "the order was cancelled": (cancel_the_order, {"cancelled": 1}),
}


@pytest.mark.parametrize("ending", list(ENDINGS))
async def test_each_attempt_is_counted_once_by_how_it_ended(
    users: dict[str, User], clock: FakeClock, ending: str
) -> None:
    # given a task a worker has locked
    plan = await automated_plan(users["partner"])
    task_id = plan.task_ids["a"]
    await fetch(users)
    before = counts()

    # when
    end, expected = ENDINGS[ending]
    await end(users, task_id, clock)

    # then
    assert counted_since(before) == expected


async def test_a_refused_answer_counts_nothing(users: dict[str, User]) -> None:
    # given
    plan = await automated_plan(users["partner"])
    await fetch(users)
    before = counts()

    # when another worker answers
    with pytest.raises(ConflictError):
        await complete(users, plan.task_ids["a"], worker="worker-2")

    # then
    assert counted_since(before) == {}


async def test_a_failure_whose_transaction_rolls_back_is_not_counted(
    users: dict[str, User],
) -> None:
    # given
    plan = await automated_plan(users["partner"])
    await fetch(users)
    before = counts()

    # when the failure is applied, then a later statement of its transaction fails
    with pytest.raises(RuntimeError):
        async with unit_of_work(users["automation"]) as uow:
            task, order = await lock_task(plan.task_ids["a"])
            await apply_failure(
                uow,
                order,
                task,
                error="OSS timeout",
                retryable=True,
                fallout_type=FalloutType.PROVISIONING_FAILURE,
                details={"workerId": "worker-1", "error": "OSS timeout"},
            )
            assert uow.committed
            raise RuntimeError("a later statement failed")

    # then
    assert counted_since(before) == {}
