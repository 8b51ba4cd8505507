"""A worker that dies mid-task: its lock expires, the sweeper counts it as a retryable failure
("worker lost"), another worker retries it, and the dead one's late answer changes nothing."""

from __future__ import annotations

import pytest

from models import Event, User
from models.enums import TaskState
from services.automation.expiry import expire_locks
from services.errors import ConflictError
from services.sweeping.runtime import SWEEPERS
from tests.fake_clock import FakeClock
from tests.services.automation.plans import automated_plan, complete, fetch


async def test_a_lost_workers_task_is_retried_by_another_and_done_once(
    users: dict[str, User], clock: FakeClock
) -> None:
    plan = await automated_plan(users["partner"])
    task_id = plan.task_ids["a"]
    await fetch(users, worker="dies", lock_seconds=30)

    clock.advance(seconds=31)
    swept = await expire_locks()
    clock.advance(seconds=10)  # the backoff after the first failed attempt
    [retried] = await fetch(users, worker="survives")
    await complete(users, task_id, {"ok": True}, worker="survives")

    assert swept == 1
    assert retried.task.attempts == 2
    with pytest.raises(ConflictError):
        await complete(users, task_id, {"late": True}, worker="dies")
    task = await plan.task("a")
    assert (task.state, task.output, task.attempts) == (TaskState.COMPLETED, {"ok": True}, 2)
    events = await Event.filter(entity_id=task_id, entity_type="task").order_by("id")
    kinds = [str(e.kind) for e in events]
    assert kinds == ["task.locked", "task.lock_expired", "task.locked", "task.completed"]
    expired = await Event.get(kind="task.lock_expired", entity_id=task_id)
    assert expired.payload["workerId"] == "dies"
    assert str(expired.payload["error"]).startswith("Worker lost")


async def test_a_lock_not_yet_expired_is_left_alone(
    users: dict[str, User], clock: FakeClock
) -> None:
    plan = await automated_plan(users["partner"])
    await fetch(users, lock_seconds=30)
    clock.advance(seconds=29)

    swept = await expire_locks()

    assert swept == 0
    assert (await plan.task("a")).state is TaskState.IN_PROGRESS


async def test_two_passes_at_once_count_one_failure(
    users: dict[str, User], clock: FakeClock
) -> None:
    plan = await automated_plan(users["partner"])
    await fetch(users, lock_seconds=30)
    clock.advance(seconds=31)

    first, second = await expire_locks(), await expire_locks()

    assert (first, second) == (1, 0)
    task = await plan.task("a")
    assert (task.state, task.attempts) == (TaskState.READY, 1)


def test_the_lock_sweeper_runs_on_one_process_of_a_cluster() -> None:
    assert [s.sweep for s in SWEEPERS if s.name == "automation.lock_expiry"] == [expire_locks]
