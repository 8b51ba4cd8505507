"""Automated tasks for the automation tests: a plan of `build_plan` whose named tasks are made
automated (as decomposition makes them from an AUTOMATED template), and a worker's calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from models import Task, User
from models.enums import TaskState
from services import clock
from services.automation import (
    LockedTask,
    complete_automated_task,
    fail_automated_task,
    fetch_and_lock_tasks,
)
from services.automation_policy import Automation, RetryPolicy
from tests.fake_clock import FakeClock
from tests.services.task_plans import Plan, build_plan

HANDLER = "test.provision"
WORKER = "worker-1"
# Small numbers a test can read: 3 attempts, 10 s then 20 s (capped at 25 s), locks of 60 s.
POLICY = RetryPolicy(max_attempts=3, backoff_seconds=10, backoff_max_seconds=25, lock_seconds=60)


async def automate(task_id: int, *, handler: str = HANDLER, policy: RetryPolicy = POLICY) -> Task:
    task = await Task.get(id=task_id)
    for name, value in Automation(handler, policy).task_columns().items():
        setattr(task, name, value)
    await task.save()
    return task


async def automated_plan(
    submitter: User, names: Sequence[str] = ("a",), *, after: dict[str, list[str]] | None = None
) -> Plan:
    """One domain order whose tasks `names` are automated; `after` adds manual tasks that wait
    on them (name → its predecessors)."""
    shape: dict[str, list[str]] = {name: [] for name in names} | (after or {})
    plan = await build_plan(submitter, {"item": {"do": shape}})
    for name in names:
        await automate(plan.task_ids[name])
    return plan


async def fetch(
    users: dict[str, User],
    *,
    worker: str = WORKER,
    handlers: Sequence[str] = (HANDLER,),
    max_tasks: int = 10,
    lock_seconds: int = 60,
) -> list[LockedTask]:
    return await fetch_and_lock_tasks(
        users["automation"],
        worker_id=worker,
        handlers=handlers,
        max_tasks=max_tasks,
        lock_seconds=lock_seconds,
    )


async def complete(
    users: dict[str, User], task_id: int, output: Any = None, *, worker: str = WORKER
) -> Task:
    return await complete_automated_task(
        users["automation"], task_id=task_id, worker_id=worker, output=output
    )


async def fail(
    users: dict[str, User],
    task_id: int,
    *,
    retryable: bool = True,
    error: str = "OSS timeout",
    worker: str = WORKER,
    error_type: str | None = None,
) -> Task:
    return await fail_automated_task(
        users["automation"],
        task_id=task_id,
        worker_id=worker,
        error=error,
        retryable=retryable,
        error_type=error_type,
    )


# A worker's answers as steps of the tables (users, task, clock → the answer).
async def complete_it(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    return await complete(users, task_id, {"ok": True})


async def fail_retryable(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    return await fail(users, task_id, retryable=True)


async def fail_for_good(users: dict[str, User], task_id: int, clock: FakeClock) -> object:
    return await fail(users, task_id, retryable=False)


async def lock_to(task_id: int, worker: str = WORKER, *, seconds: int = 60) -> Task:
    """Force the lease of a READY automated task to `worker` (as a fetch would have), so a test
    can answer for exactly that task; the fetch itself has tests of its own."""
    task = await Task.get(id=task_id)
    task.state = TaskState.IN_PROGRESS
    task.attempts += 1
    task.locked_by = worker
    task.lock_expires_at = clock.now() + timedelta(seconds=seconds)
    task.version += 1
    await task.save()
    return task
