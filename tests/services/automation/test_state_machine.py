"""The automated task's state machine as a table: every (state, operation) pair either moves
the task with its event, or is refused with its code and changes nothing.

The worker operations are made by `worker-1`, which holds the lock whenever the task is
IN_PROGRESS (as its fetch left it); on the last attempt, `attempts` is `max_attempts`. The
sweeper's pass runs with the clock past the lock's expiry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from models import Event, FalloutRecord, Task, User
from models.enums import TaskState
from services.automation import extend_task_lock
from services.automation.expiry import expire_locks
from services.errors import DomainError, ErrorCode
from services.tasks import complete_task, start_task
from tests.fake_clock import FakeClock
from tests.services.automation.plans import (
    automated_plan,
    complete_it,
    fail_for_good,
    fail_retryable,
    fetch,
    lock_to,
)
from tests.services.task_plans import put_task, snapshot

Operation = Callable[[dict[str, User], int, FakeClock], Awaitable[object]]


async def fetch_it(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    return await fetch(users)


async def extend(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    return await extend_task_lock(
        users["automation"], task_id=task_id, worker_id="worker-1", lock_seconds=60
    )


async def expire(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    clock.advance(seconds=61)
    return await expire_locks()


async def start_by_hand(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    return await start_task(users["agent1"], task_id)


async def complete_by_hand(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    # agent1 is its assignee (as after its fallout was given to them): only its kind refuses.
    return await complete_task(users["agent1"], task_id)


OPERATIONS: dict[str, Operation] = {
    "fetch": fetch_it,
    "complete": complete_it,
    "fail retryable": fail_retryable,
    "fail not retryable": fail_for_good,
    "extend": extend,
    "lock expires": expire,
    "start by hand": start_by_hand,
    "complete by hand": complete_by_hand,
}


@dataclass(frozen=True)
class Moves:
    to: TaskState
    event: str
    fallout: bool = False


S = TaskState
# (operation, state before, on the last attempt) → the move; a pair not listed changes
# nothing: refused with REFUSED[operation], or (fetch, the sweeper) not taken at all.
LEGAL: dict[tuple[str, TaskState, bool], Moves] = {
    ("fetch", S.READY, False): Moves(S.IN_PROGRESS, "task.locked"),
    ("complete", S.IN_PROGRESS, False): Moves(S.COMPLETED, "task.completed"),
    ("complete", S.IN_PROGRESS, True): Moves(S.COMPLETED, "task.completed"),
    ("fail retryable", S.IN_PROGRESS, False): Moves(S.READY, "task.retry_scheduled"),
    ("fail retryable", S.IN_PROGRESS, True): Moves(S.ON_HOLD, "task.failed", fallout=True),
    ("fail not retryable", S.IN_PROGRESS, False): Moves(S.ON_HOLD, "task.failed", fallout=True),
    ("fail not retryable", S.IN_PROGRESS, True): Moves(S.ON_HOLD, "task.failed", fallout=True),
    ("extend", S.IN_PROGRESS, False): Moves(S.IN_PROGRESS, "task.lock_extended"),
    ("extend", S.IN_PROGRESS, True): Moves(S.IN_PROGRESS, "task.lock_extended"),
    ("lock expires", S.IN_PROGRESS, False): Moves(S.READY, "task.lock_expired"),
    ("lock expires", S.IN_PROGRESS, True): Moves(S.ON_HOLD, "task.lock_expired", fallout=True),
}
# Without the lock a worker's answer is stale (CONFLICT); people never work automated tasks.
REFUSED: dict[str, ErrorCode | None] = {
    "fetch": None,
    "complete": ErrorCode.CONFLICT,
    "fail retryable": ErrorCode.CONFLICT,
    "fail not retryable": ErrorCode.CONFLICT,
    "extend": ErrorCode.CONFLICT,
    "lock expires": None,
    "start by hand": ErrorCode.INVALID_STATE,
    "complete by hand": ErrorCode.INVALID_STATE,
}
CASES = [
    pytest.param(operation, state, last, id=f"{operation}-{state.value}{'-last' if last else ''}")
    for operation in OPERATIONS
    for state in TaskState
    for last in (False, True)
    if not last or state is TaskState.IN_PROGRESS
]


async def automated_task_in(users: dict[str, User], state: TaskState, last: bool) -> int:
    plan = await automated_plan(users["partner"])
    task_id = plan.task_ids["a"]
    if state is TaskState.IN_PROGRESS:
        task = await lock_to(task_id, "worker-1")
        if last:
            task.attempts = task.max_attempts
            await task.save()
    elif state is not TaskState.READY:
        await put_task(task_id, state)
    task = await Task.get(id=task_id)
    task.assignee_id = users["agent1"].id
    await task.save()
    return task_id


@pytest.mark.parametrize(("operation", "state", "last"), CASES)
async def test_each_operation_moves_an_automated_task_or_changes_nothing(
    users: dict[str, User], clock: FakeClock, operation: str, state: TaskState, last: bool
) -> None:
    task_id = await automated_task_in(users, state, last)
    before = await snapshot()
    move = LEGAL.get((operation, state, last))

    try:
        await OPERATIONS[operation](users, task_id, clock)
        refused = None
    except DomainError as error:
        refused = error.code

    task = await Task.get(id=task_id)
    if move is None:
        assert refused is REFUSED[operation]
        assert await snapshot() == before
        return
    assert refused is None
    assert task.state is move.to
    event = await Event.filter(entity_id=task_id, entity_type="task").order_by("-id").first()
    assert event is not None
    assert (event.kind, event.previous_state, event.new_state) == (
        move.event,
        state.value,
        move.to.value,
    )
    assert await FalloutRecord.filter(task_id=task_id).exists() is move.fallout
    if move.to is not TaskState.IN_PROGRESS:
        assert (task.locked_by, task.lock_expires_at) == (None, None)
