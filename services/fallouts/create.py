"""Reporting fallout: a task that cannot go on is put on hold with a fallout record.

A task has at most one open fallout at a time: a task already ON_HOLD is refused, so that a
resolution (retry, complete, skip) always decides the task's fate unambiguously. Whatever
else went wrong belongs in the open record, or in a new one once it is resolved.
"""

from __future__ import annotations

from models import FalloutRecord, ServiceOrder, Task, User
from models.enums import FALLOUT_OPEN_STATES, FalloutState, FalloutType, Priority, TaskState
from services.events.kinds import EventKind
from services.events.recorders import Detail, record_fallout, record_task
from services.inputs import required_text
from services.locking import lock_task
from services.numbering import NumberKind, allocate_number
from services.policy import Action, can_create_fallout
from services.rollup import roll_up
from services.tasks.rules import can_be_put_on_hold
from services.tasks.worker_lock import LOCK_FIELDS, Attempt, end_attempt
from services.transitions import check_transition
from services.unit_of_work import UnitOfWork, unit_of_work


async def create_fallout(
    actor: User,
    task_id: int,
    type: FalloutType,
    description: str,
    priority: Priority = Priority.NORMAL,
) -> FalloutRecord:
    async with unit_of_work(actor) as uow:
        task, order = await lock_task(task_id)
        check_transition(
            actor,
            Action.CREATE_FALLOUT,
            task,
            what="Task",
            field="taskId",
            permitted=can_create_fallout(actor, task),
            forbidden=f"You may report fallout only on a task assigned to you ({task.number} is "
            "not).",
            allowed=can_be_put_on_hold(task),
            wrong_state=await _why_it_cannot_be_held(task),
        )
        text = required_text(description, field="description", what="A description")
        fallout = await open_fallout(
            uow,
            order,
            task,
            type=type,
            description=text,
            priority=priority,
            created_by_id=actor.id,
        )
    return fallout


async def open_fallout(
    uow: UnitOfWork,
    order: ServiceOrder,
    task: Task,
    *,
    type: FalloutType,
    description: str,
    priority: Priority,
    created_by_id: int | None,
    kind: EventKind = EventKind.TASK_ON_HOLD,
    attempt: Attempt = Attempt.FALLOUT,
    **details: Detail,
) -> FalloutRecord:
    """Open a fallout on `task` (checked by the caller, its order locked) and hold the task.

    `created_by_id` None: the system (an automated task that failed for good, which records
    `kind` task.failed or task.lock_expired with its `details` instead of task.on_hold).
    A worker's attempt on the task ends as `attempt` (services/tasks/worker_lock.py).
    """
    fallout = await FalloutRecord.create(
        number=await allocate_number(NumberKind.FALLOUT),
        type=type,
        description=description,
        priority=priority,
        state=FalloutState.OPEN,
        task_id=task.id,
        service_order_id=order.id,
        created_by_id=created_by_id,
    )
    record_fallout(uow, EventKind.FALLOUT_CREATED, fallout, previous_state=None)
    previous = task.state
    task.state = TaskState.ON_HOLD
    # The new fallout's resolution decides the task's fate afresh; a worker's lease ends.
    task.deferred_outcome = None
    end_attempt(uow, task, attempt)
    task.version += 1
    await task.save(
        update_fields=["state", "deferred_outcome", *LOCK_FIELDS, "version", "updated_at"]
    )
    record_task(
        uow,
        kind,
        task,
        previous_state=previous,
        falloutId=fallout.id,
        falloutNumber=fallout.number,
        **details,
    )
    await roll_up(uow, order, [task.domain_order_id])
    return fallout


async def _why_it_cannot_be_held(task: Task) -> str:
    if can_be_put_on_hold(task):
        return ""
    if task.state is TaskState.ON_HOLD:
        open_numbers = await FalloutRecord.filter(
            task_id=task.id, state__in=list(FALLOUT_OPEN_STATES)
        ).values_list("number", flat=True)
        return (
            f"Task {task.number} is already on hold for fallout "
            f"{', '.join(map(str, open_numbers))}; add to that record instead."
        )
    return (
        f"Task {task.number} is {task.state.value}; fallout can only be reported on a task "
        "that is not finished."
    )
