"""The service calls the worker loop makes (loop.TaskSource), as the worker's user: the same
functions behind the public API's fetchAndLockTasks, completeAutomatedTask, failAutomatedTask
and extendTaskLock (services/automation/), not a shortcut of their own.

`job_of` turns what a fetch locked into the handler's `Job`; its `context` is
`LockedTask.context()`, the same JSON an external worker reads from fetchAndLockTasks (and
the body an http handler POSTs).
"""

from __future__ import annotations

from collections.abc import Sequence

from models import User
from services.automation import (
    LockedTask,
    complete_automated_task,
    extend_task_lock,
    fail_automated_task,
    fetch_and_lock_tasks,
)
from services.workers.jobs import Failed, Job, JsonValue


def job_of(locked: LockedTask, requested_lock_seconds: int) -> Job:
    task = locked.task
    return Job(
        task_id=task.id,
        number=task.number,
        topic=task.handler or "",
        attempt=task.attempts,
        # What the fetch granted: the worker's lockSeconds, at most the template's.
        lock_seconds=min(requested_lock_seconds, task.lock_seconds),
        context=locked.context(),
    )


class ServiceSource:
    """The loop's service calls, as `actor` (role AUTOMATION) under `worker_id`."""

    def __init__(self, actor: User, worker_id: str) -> None:
        self.actor = actor
        self.worker_id = worker_id

    async def fetch(self, *, topics: Sequence[str], max_tasks: int, lock_seconds: int) -> list[Job]:
        locked = await fetch_and_lock_tasks(
            self.actor,
            worker_id=self.worker_id,
            handlers=topics,
            max_tasks=max_tasks,
            lock_seconds=lock_seconds,
        )
        return [job_of(task, lock_seconds) for task in locked]

    async def complete(self, job: Job, output: JsonValue) -> None:
        await complete_automated_task(
            self.actor, task_id=job.task_id, worker_id=self.worker_id, output=output
        )

    async def fail(self, job: Job, failure: Failed) -> None:
        await fail_automated_task(
            self.actor,
            task_id=job.task_id,
            worker_id=self.worker_id,
            error=failure.error,
            retryable=failure.retryable,
            error_type=failure.error_type,
        )

    async def extend(self, job: Job, lock_seconds: int) -> None:
        await extend_task_lock(
            self.actor, task_id=job.task_id, worker_id=self.worker_id, lock_seconds=lock_seconds
        )
