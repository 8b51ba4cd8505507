"""What an automated task's state and lease allow. The worker operations check these, and the
sweeper finds the leases they say have expired."""

from __future__ import annotations

from datetime import datetime

from models import Task
from models.enums import TaskState
from services.automation_policy import RetryPolicy
from services.tasks.rules import is_automated

__all__ = [
    "attempts_left",
    "holds_lease",
    "is_automated",
    "lease_expired",
    "policy_of",
]


def holds_lease(task: Task, worker_id: str, at: datetime) -> bool:
    """`worker_id` holds the task's lock, and it has not expired at `at`."""
    return (
        task.locked_by == worker_id
        and task.lock_expires_at is not None
        and task.lock_expires_at > at
    )


def lease_expired(task: Task, at: datetime) -> bool:
    """A worker took the task and let its lock run out without an answer."""
    return (
        is_automated(task)
        and task.state is TaskState.IN_PROGRESS
        and task.lock_expires_at is not None
        and task.lock_expires_at <= at
    )


def attempts_left(task: Task) -> bool:
    return task.attempts < task.max_attempts


def policy_of(task: Task) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=task.max_attempts,
        backoff_seconds=task.backoff_seconds,
        backoff_max_seconds=task.backoff_max_seconds,
        lock_seconds=task.lock_seconds,
    )
