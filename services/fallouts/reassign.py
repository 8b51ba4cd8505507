"""A manager hands a fallout, and the task it holds, to an agent to investigate."""

from __future__ import annotations

from models import FalloutRecord, Task, User
from models.enums import FalloutState
from services.events.kinds import EventKind
from services.events.recorders import record_fallout, record_task
from services.fallouts.rules import can_be_reassigned
from services.inputs import InputId, optional_text
from services.locking import lock_fallout
from services.policy import Action
from services.tasks import rules as tasks_rules
from services.tasks.assignees import get_assignee
from services.transitions import check_transition
from services.unit_of_work import unit_of_work


async def reassign_fallout(
    actor: User,
    fallout_id: int,
    assignee_id: InputId,
    note: str | None = None,
    *,
    expected_version: int | None = None,
) -> FalloutRecord:
    async with unit_of_work(actor) as uow:
        fallout, _order = await lock_fallout(fallout_id)
        check_transition(
            actor,
            Action.REASSIGN_FALLOUT,
            fallout,
            what="Fallout",
            field="falloutId",
            expected_version=expected_version,
            allowed=can_be_reassigned(fallout),
            wrong_state=f"Fallout {fallout.number} is {fallout.state.value}; it can no longer "
            "be reassigned.",
        )
        assignee = await get_assignee(assignee_id)
        text = optional_text(note, field="note", what="A note")

        previous = fallout.state
        previous_assignee_id = fallout.assignee_id
        fallout.state = FalloutState.IN_PROGRESS
        fallout.assignee_id = assignee.id
        fallout.version += 1
        await fallout.save(update_fields=["state", "assignee_id", "version", "updated_at"])
        record_fallout(
            uow,
            EventKind.FALLOUT_REASSIGNED,
            fallout,
            previous_state=previous,
            previousAssigneeId=previous_assignee_id,
            note=text,
        )

        task = await Task.get(id=fallout.task_id)
        if task.assignee_id != assignee.id and tasks_rules.can_be_reassigned(task):
            previous_task_assignee_id = task.assignee_id
            task.assignee_id = assignee.id
            task.version += 1
            await task.save(update_fields=["assignee_id", "version", "updated_at"])
            record_task(
                uow,
                EventKind.TASK_REASSIGNED,
                task,
                previous_state=task.state,
                previousAssigneeId=previous_task_assignee_id,
                reason=text or f"Fallout {fallout.number} reassigned.",
                falloutId=fallout.id,
            )
    return fallout
