"""A manager hands a task to another agent, with a reason."""

from __future__ import annotations

from models import Task, User
from services.errors import InvalidStateError
from services.events.kinds import EventKind
from services.events.recorders import record_task
from services.locking import lock_task
from services.policy import Action, require
from services.tasks.assignees import get_assignee
from services.tasks.rules import can_be_reassigned
from services.tasks.versions import check_version
from services.unit_of_work import unit_of_work
from services.users import require_text


async def reassign_task(
    actor: User,
    task_id: int,
    assignee_id: int,
    reason: str,
    *,
    expected_version: int | None = None,
) -> Task:
    async with unit_of_work(actor) as uow:
        task, _order = await lock_task(task_id)
        require(actor, Action.REASSIGN_TASK)
        check_version(task.version, expected_version, what="task")
        if not can_be_reassigned(task):
            raise InvalidStateError(
                f"Task {task.number} is {task.state.value}; it can no longer be reassigned.",
                field="taskId",
            )
        text = require_text(reason, field="reason", what="A reason")
        assignee = await get_assignee(assignee_id)
        previous_assignee_id = task.assignee_id
        task.assignee_id = assignee.id
        task.version += 1
        await task.save(update_fields=["assignee_id", "version", "updated_at"])
        record_task(
            uow,
            EventKind.TASK_REASSIGNED,
            task,
            previous_state=task.state,
            previousAssigneeId=previous_assignee_id,
            reason=text,
        )
    return task
