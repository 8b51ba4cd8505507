"""A worker's lock on an automated task: taken with an attempt, ended with it, and counted.

A fetch takes the lock (services/automation/fetch.py). The attempt, and the lock with it, ends
on every path out of IN_PROGRESS: the worker completes (automation/complete.py) or fails
(automation/fail.py), the sweeper finds the lock expired (automation/expiry.py), a fallout
holds the task (fallouts/create.py), a cancellation or a revision drops it
(orders/plan_changes.py). Each calls `end_attempt`, so that the lock is cleared one way (the
stateful test holds "locked exactly while IN_PROGRESS") and each attempt is counted once, by
how it ended, when its transaction commits: a rolled-back change counts nothing
(`fulfillment_automated_tasks_total`, README, Operations).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from models import Task
from services.observability.metrics import AUTOMATED_TASKS
from services.unit_of_work import UnitOfWork

# The columns `take_lock` and `end_attempt` set: the caller saves them with its own.
LOCK_FIELDS = ("locked_by", "lock_expires_at")


class Attempt(StrEnum):
    """What the counter counts: an attempt's start (`locked`), then exactly one of its ends."""

    LOCKED = "locked"
    COMPLETED = "completed"
    RETRY_SCHEDULED = "retry_scheduled"  # the worker failed; tried again after the backoff
    FALLOUT = "fallout"  # the worker failed for good, or a manager reported fallout
    LOCK_EXPIRED = "lock_expired"  # no answer in time ("worker lost"): retried or fallout
    CANCELLED = "cancelled"  # the task was cancelled (or revised away) while locked


def take_lock(uow: UnitOfWork, task: Task, worker_id: str, until: datetime) -> None:
    task.locked_by = worker_id
    task.lock_expires_at = until
    _count(uow, task, Attempt.LOCKED)


def end_attempt(uow: UnitOfWork, task: Task, outcome: Attempt) -> None:
    """Clear the task's lock, if a worker holds one, counting the attempt as `outcome`."""
    if task.locked_by is None:  # a manual task, or an automated one no worker holds
        return
    task.locked_by = None
    task.lock_expires_at = None
    _count(uow, task, outcome)


def _count(uow: UnitOfWork, task: Task, what: Attempt) -> None:
    # The handler is a topic of the catalog: a bounded set of label values.
    uow.committed.append(AUTOMATED_TASKS.labels(task.handler or "", what.value).inc)
