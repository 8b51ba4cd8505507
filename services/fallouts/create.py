"""Reporting fallout: a task that cannot go on is put on hold with a fallout record.

A task has at most one open fallout at a time: a task already ON_HOLD is refused, so that a
resolution (retry, complete, skip) always decides the task's fate unambiguously. Whatever
else went wrong belongs in the open record, or in a new one once it is resolved.
"""

from __future__ import annotations

from models import FalloutRecord, User
from models.enums import FALLOUT_OPEN_STATES, FalloutState, FalloutType, Priority, TaskState
from services.errors import ForbiddenError, InvalidStateError
from services.fallouts.events import record_fallout_event
from services.locking import lock_task
from services.numbering import NumberKind, allocate_number
from services.policy import Action, can_create_fallout, require
from services.rollup import roll_up
from services.tasks.events import record_task_event
from services.tasks.rules import can_be_put_on_hold
from services.unit_of_work import unit_of_work
from services.users import require_text


async def create_fallout(
    actor: User,
    task_id: int,
    type: FalloutType,
    description: str,
    priority: Priority = Priority.NORMAL,
) -> FalloutRecord:
    async with unit_of_work(actor) as uow:
        task, order = await lock_task(task_id)
        require(actor, Action.CREATE_FALLOUT)
        if not can_create_fallout(actor, task):
            raise ForbiddenError(
                f"You may report fallout only on a task assigned to you ({task.number} is not).",
                field="taskId",
            )
        if task.state is TaskState.ON_HOLD:
            open_numbers = await FalloutRecord.filter(
                task_id=task.id, state__in=list(FALLOUT_OPEN_STATES)
            ).values_list("number", flat=True)
            raise InvalidStateError(
                f"Task {task.number} is already on hold for fallout "
                f"{', '.join(map(str, open_numbers))}; add to that record instead.",
                field="taskId",
            )
        if not can_be_put_on_hold(task):
            raise InvalidStateError(
                f"Task {task.number} is {task.state.value}; fallout can only be reported on "
                "a task that is not finished.",
                field="taskId",
            )
        text = require_text(description, field="description", what="A description")

        fallout = await FalloutRecord.create(
            number=await allocate_number(NumberKind.FALLOUT),
            type=type,
            description=text,
            priority=priority,
            state=FalloutState.OPEN,
            task_id=task.id,
            service_order_id=order.id,
            created_by_id=actor.id,
        )
        record_fallout_event(uow, "fallout.created", fallout, previous_state=None)
        previous = task.state
        task.state = TaskState.ON_HOLD
        # The new fallout's resolution decides the task's fate afresh.
        task.deferred_outcome = None
        task.version += 1
        await task.save(update_fields=["state", "deferred_outcome", "version", "updated_at"])
        record_task_event(
            uow,
            "task.on_hold",
            task,
            previous_state=previous,
            falloutId=fallout.id,
            falloutNumber=fallout.number,
        )
        await roll_up(uow, order, [task.domain_order_id])
    return fallout
