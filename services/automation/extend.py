"""A worker with long work extends its lock before it runs out."""

from __future__ import annotations

from datetime import timedelta

from models import Task, User
from services.automation.inputs import count_of
from services.automation.leases import lock_leased_task
from services.events.kinds import EventKind
from services.events.recorders import record_task
from services.limits import MAX_LOCK_SECONDS
from services.policy import Action
from services.unit_of_work import unit_of_work


async def extend_task_lock(actor: User, *, task_id: int, worker_id: str, lock_seconds: int) -> Task:
    """The lock runs until now + `lock_seconds` (at most the template's lock_seconds), or
    until it ran already if that is later: an extension never shortens a lock, so that a
    worker's late, smaller extension cannot bring forward the sweeper's retry of work that an
    earlier extension promised time for."""
    async with unit_of_work(actor) as uow:
        task, _order = await lock_leased_task(
            actor, Action.EXTEND_TASK_LOCK, task_id, worker_id, uow.started_at
        )
        seconds = count_of(
            lock_seconds, field="lockSeconds", what="lockSeconds", most=MAX_LOCK_SECONDS
        )
        until = uow.started_at + timedelta(seconds=min(seconds, task.lock_seconds))
        assert task.lock_expires_at is not None  # the lease holds (lock_leased_task)
        task.lock_expires_at = max(task.lock_expires_at, until)
        task.version += 1
        await task.save(update_fields=["lock_expires_at", "version", "updated_at"])
        record_task(uow, EventKind.TASK_LOCK_EXTENDED, task, previous_state=task.state)
    return task
