"""The assignee completes the task they are working."""

from __future__ import annotations

from models import Task, User
from models.enums import TaskState
from services.errors import ForbiddenError, InvalidStateError
from services.locking import lock_task
from services.policy import Action, can_complete_task, require
from services.tasks.finish import finish_task
from services.tasks.rules import can_be_completed
from services.tasks.versions import check_version
from services.unit_of_work import unit_of_work


async def complete_task(
    actor: User, task_id: int, note: str | None = None, *, expected_version: int | None = None
) -> Task:
    async with unit_of_work(actor) as uow:
        task, order = await lock_task(task_id)
        require(actor, Action.COMPLETE_TASK)
        check_version(task.version, expected_version, what="task")
        if not can_be_completed(task):
            raise InvalidStateError(
                f"Task {task.number} is {task.state.value}; only an IN_PROGRESS task can be "
                "completed.",
                field="taskId",
            )
        if not can_complete_task(actor, task):
            raise ForbiddenError(
                f"Only the assignee of task {task.number} can complete it.", field="taskId"
            )
        text = (note or "").strip()
        await finish_task(uow, order, task, TaskState.COMPLETED, note=text or None)
    return task
