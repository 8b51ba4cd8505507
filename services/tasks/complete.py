"""The assignee completes the task they are working."""

from __future__ import annotations

from models import Task, User
from models.enums import TaskState
from services.inputs import optional_text
from services.locking import lock_task
from services.policy import Action, can_complete_task
from services.tasks.finish import finish_task
from services.tasks.rules import can_be_completed, why_not_by_hand
from services.transitions import check_transition
from services.unit_of_work import unit_of_work


async def complete_task(
    actor: User, task_id: int, note: str | None = None, *, expected_version: int | None = None
) -> Task:
    async with unit_of_work(actor) as uow:
        task, order = await lock_task(task_id)
        check_transition(
            actor,
            Action.COMPLETE_TASK,
            task,
            what="Task",
            field="taskId",
            permitted=can_complete_task(actor, task),
            forbidden=f"Only the assignee of task {task.number} can complete it.",
            expected_version=expected_version,
            allowed=can_be_completed(task),
            wrong_state=why_not_by_hand(task, "completed", TaskState.IN_PROGRESS),
        )
        text = optional_text(note, field="note", what="A note")
        await finish_task(uow, order, task, TaskState.COMPLETED, note=text)
    return task
