"""The lease sweeper: a lock that expired without an answer counts as a retryable failure
("worker lost"), so that another worker retries the task, or its fallout holds it.

Runs on one process of a cluster at a time (services/sweeping/runtime.py SWEEPERS). Each
expired task is handled in a unit of work of its own, with its order locked and the expiry
checked again inside it: two passes at once (a lease changing hands), or the worker
answering at the last moment, find the task already moved and leave it alone. A late answer
after the pass is refused with CONFLICT (the lock is gone), so nothing is done twice by the
system's accounting: every attempt is one task.locked event and one outcome.
"""

from __future__ import annotations

from models import Task
from models.enums import FalloutType, TaskKind, TaskState
from services import clock
from services.automation.fail import apply_failure
from services.automation.rules import lease_expired
from services.errors import NotFoundError
from services.events.recorders import instant
from services.locking import lock_task
from services.unit_of_work import unit_of_work

# How often the sweeper looks, and how many expired locks one pass handles at most (the
# next pass takes the rest). A lost worker's task is retried within this of its expiry.
SWEEP_INTERVAL_SECONDS = 5.0
SWEEP_BATCH = 100


async def expire_locks() -> int:
    """One pass: every lock expired by now becomes a "worker lost" failure; how many did."""
    at = clock.now()
    expired = await (
        Task.filter(lock_expires_at__lte=at, state=TaskState.IN_PROGRESS, kind=TaskKind.AUTOMATED)
        .order_by("lock_expires_at", "id")
        .limit(SWEEP_BATCH)
        .values_list("id", flat=True)
    )
    changed = 0
    for task_id in expired:
        if await _expire(int(task_id)):  # type: ignore[call-overload]
            changed += 1
    return changed


async def _expire(task_id: int) -> bool:
    async with unit_of_work(None) as uow:
        try:
            task, order = await lock_task(task_id)
        except NotFoundError:  # the task went with its order in between
            return False
        if not lease_expired(task, uow.started_at):
            return False
        worker = task.locked_by
        error = (
            f"Worker lost: {worker} held the lock until {instant(task.lock_expires_at)} "
            "and gave no answer."
        )
        await apply_failure(
            uow,
            order,
            task,
            error=error,
            retryable=True,
            fallout_type=FalloutType.PROVISIONING_FAILURE,
            details={"workerId": worker, "error": error},
            worker_lost=True,
        )
    return True
