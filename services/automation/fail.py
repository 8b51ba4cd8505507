"""A worker's attempt failed: retried after the backoff while attempts are left and the error is
retryable; otherwise the task is held by a fallout the system opens, carrying the error, so that
it lands in the managers' follow-up like any other (services/fallouts/create.py).

`apply_failure` is also the sweeper's, for a lock that expired without an answer ("worker
lost", always retryable): one rule for both, written once.
"""

from __future__ import annotations

from models import ServiceOrder, Task, User
from models.enums import FalloutType, TaskState
from services.automation.inputs import error_of, error_type_of
from services.automation.leases import lock_leased_task
from services.automation.rules import attempts_left, policy_of
from services.events.kinds import EventKind
from services.events.recorders import Detail, instant, record_task
from services.fallouts.create import open_fallout
from services.policy import Action
from services.rollup import roll_up
from services.tasks.worker_lock import LOCK_FIELDS, Attempt, end_attempt
from services.unit_of_work import UnitOfWork, unit_of_work


async def fail_automated_task(
    actor: User,
    *,
    task_id: int,
    worker_id: str,
    error: str,
    retryable: bool,
    error_type: str | None = None,
) -> Task:
    """`error_type`: the FalloutType a final failure opens (PROVISIONING_FAILURE if None)."""
    async with unit_of_work(actor) as uow:
        task, order = await lock_leased_task(
            actor, Action.FAIL_AUTOMATED_TASK, task_id, worker_id, uow.started_at
        )
        text = error_of(error)
        fallout_type = error_type_of(error_type)
        details: dict[str, Detail] = {"workerId": worker_id, "error": text}
        if error_type is not None:
            details["errorType"] = fallout_type.value
        await apply_failure(
            uow,
            order,
            task,
            error=text,
            retryable=retryable,
            fallout_type=fallout_type,
            details=details,
        )
    return task


async def apply_failure(
    uow: UnitOfWork,
    order: ServiceOrder,
    task: Task,
    *,
    error: str,
    retryable: bool,
    fallout_type: FalloutType,
    details: dict[str, Detail],
    worker_lost: bool = False,
) -> None:
    """The failure of the attempt `task` (IN_PROGRESS, its order locked) was on.

    `worker_lost`: the sweeper's, for a lock that expired (event task.lock_expired, either way).
    """
    previous = task.state
    worker = task.locked_by
    task.last_error = error
    if retryable and attempts_left(task):
        end_attempt(uow, task, Attempt.LOCK_EXPIRED if worker_lost else Attempt.RETRY_SCHEDULED)
        task.state = TaskState.READY
        task.next_attempt_at = uow.started_at + policy_of(task).delay_after(task.attempts)
        task.version += 1
        await task.save(
            update_fields=[
                "state",
                "last_error",
                *LOCK_FIELDS,
                "next_attempt_at",
                "version",
                "updated_at",
            ]
        )
        record_task(
            uow,
            EventKind.TASK_LOCK_EXPIRED if worker_lost else EventKind.TASK_RETRY_SCHEDULED,
            task,
            previous_state=previous,
            nextAttemptAt=instant(task.next_attempt_at),
            **details,
        )
        await roll_up(uow, order, [task.domain_order_id])
        return
    await task.save(update_fields=["last_error"])
    if not worker_lost:
        details = {**details, "retryable": retryable}
    why = "not retryable" if not retryable else "no attempts left"
    description = (
        f"{error}\n\n(Automated task {task.name}: handler {task.handler}, attempt "
        f"{task.attempts} of {task.max_attempts}, worker {worker}; {why}.)"
    )
    await open_fallout(
        uow,
        order,
        task,
        type=fallout_type,
        description=description,
        priority=task.priority,
        created_by_id=None,
        kind=EventKind.TASK_LOCK_EXPIRED if worker_lost else EventKind.TASK_FAILED,
        attempt=Attempt.LOCK_EXPIRED if worker_lost else Attempt.FALLOUT,
        **details,
    )
