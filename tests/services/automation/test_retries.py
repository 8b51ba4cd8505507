"""Retries: a retryable failure waits out the backoff and runs again; the last one, or one that
is not retryable, holds the task with a fallout the system opens; RETRY_TASK starts afresh."""

from __future__ import annotations

from typing import Any

from models import Event, FalloutRecord, User
from models.enums import FalloutAction, FalloutState, FalloutType, TaskState
from services.fallouts import resolve_fallout
from tests.fake_clock import FakeClock
from tests.services.automation.plans import automated_plan, complete, fail, fetch


async def test_failing_twice_then_succeeding_completes_the_task_after_three_attempts(
    users: dict[str, User], clock: FakeClock
) -> None:
    plan = await automated_plan(users["partner"])
    task_id = plan.task_ids["a"]

    for delay in (10, 20):
        [locked] = await fetch(users)
        await fail(users, task_id)
        clock.advance(seconds=delay)
    [locked] = await fetch(users)
    await complete(users, task_id, {"prefix": "2001:db8::/56"})

    task = await plan.task("a")
    assert (task.state, task.attempts, task.output) == (
        TaskState.COMPLETED,
        3,
        {"prefix": "2001:db8::/56"},
    )
    assert locked.task.attempts == 3


async def test_a_retry_is_not_fetched_before_its_backoff_has_passed(
    users: dict[str, User], clock: FakeClock
) -> None:
    plan = await automated_plan(users["partner"])
    await fetch(users)
    await fail(users, plan.task_ids["a"])

    clock.advance(seconds=9)
    too_early = await fetch(users)
    clock.advance(seconds=1)
    due = await fetch(users)

    assert too_early == []
    assert [locked.task.id for locked in due] == [plan.task_ids["a"]]


async def test_the_backoff_doubles_up_to_its_cap(users: dict[str, User], clock: FakeClock) -> None:
    plan = await automated_plan(users["partner"])
    task = await plan.task("a")
    task.max_attempts = 5
    await task.save()
    waits = []
    for _ in range(4):
        await fetch(users)
        failed = await fail(users, task.id)
        assert failed.next_attempt_at is not None
        waits.append((failed.next_attempt_at - clock.now()).total_seconds())
        clock.set(failed.next_attempt_at)

    assert waits == [10, 20, 25, 25]


async def test_the_last_attempt_failing_holds_the_task_with_a_system_fallout(
    users: dict[str, User], clock: FakeClock
) -> None:
    plan = await automated_plan(users["partner"])
    task_id = plan.task_ids["a"]

    for _ in range(3):
        await fetch(users)
        await fail(users, task_id, error="HSS refused: IMSI in use")
        clock.advance(minutes=1)

    task = await plan.task("a")
    fallout = await FalloutRecord.get(task_id=task_id)
    assert (task.state, task.attempts, task.last_error) == (
        TaskState.ON_HOLD,
        3,
        "HSS refused: IMSI in use",
    )
    assert (fallout.state, fallout.type, fallout.created_by_id) == (
        FalloutState.OPEN,
        FalloutType.PROVISIONING_FAILURE,
        None,
    )
    assert fallout.description.startswith("HSS refused: IMSI in use")
    assert "attempt 3 of 3" in fallout.description
    failed = await Event.get(kind="task.failed", entity_id=task_id)
    assert failed.payload["falloutId"] == fallout.id


async def test_a_failure_that_is_not_retryable_holds_the_task_at_once_with_its_type(
    users: dict[str, User],
) -> None:
    plan = await automated_plan(users["partner"])
    await fetch(users)

    await fail(
        users, plan.task_ids["a"], retryable=False, error_type="INVENTORY_ALLOCATION_FAILURE"
    )

    task = await plan.task("a")
    fallout = await FalloutRecord.get(task_id=task.id)
    assert (task.state, task.attempts) == (TaskState.ON_HOLD, 1)
    assert fallout.type is FalloutType.INVENTORY_ALLOCATION_FAILURE


async def test_retry_task_resets_the_attempts_and_hands_the_corrected_input_to_the_worker(
    users: dict[str, User], clock: FakeClock
) -> None:
    plan = await automated_plan(users["partner"])
    task_id = plan.task_ids["a"]
    await fetch(users)
    await fail(users, task_id, retryable=False)
    fallout = await FalloutRecord.get(task_id=task_id)

    await resolve_fallout(
        users["manager"],
        fallout.id,
        FalloutAction.RETRY_TASK,
        "Use the spare port",
        input={"port": "1/1/7"},
    )
    [locked] = await fetch(users)
    await complete(users, task_id, {"done": True})

    task = await plan.task("a")
    context: Any = locked.context()
    assert context["task"]["input"] == {"port": "1/1/7"}
    assert locked.task.attempts == 1
    assert (task.state, task.attempts) == (TaskState.COMPLETED, 1)
