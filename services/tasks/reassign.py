"""A manager hands a task to another agent, with a reason."""

from __future__ import annotations

from models import Task, User
from services.events.kinds import EventKind
from services.events.recorders import record_task
from services.inputs import InputId, required_text
from services.locking import lock_task
from services.policy import Action
from services.tasks.assignees import get_assignee
from services.tasks.rules import can_be_reassigned
from services.transitions import check_transition
from services.unit_of_work import unit_of_work


async def reassign_task(
    actor: User,
    task_id: int,
    assignee_id: InputId,
    reason: str,
    *,
    expected_version: int | None = None,
) -> Task:
    async with unit_of_work(actor) as uow:
        task, _order = await lock_task(task_id)
        check_transition(
            actor,
            Action.REASSIGN_TASK,
            task,
            what="Task",
            field="taskId",
            expected_version=expected_version,
            allowed=can_be_reassigned(task),
            wrong_state=f"Task {task.number} is {task.state.value}; it can no longer be "
            "reassigned.",
        )
        text = required_text(reason, field="reason", what="A reason")
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
