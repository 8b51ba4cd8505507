"""The one shape of a task event."""

from __future__ import annotations

from typing import Any

from models import Task
from models.enums import TaskState
from services.unit_of_work import UnitOfWork

# The event of a task reaching each done state, however it got there.
FINISHED_KIND = {TaskState.COMPLETED: "task.completed", TaskState.SKIPPED: "task.skipped"}


def record_task_event(
    uow: UnitOfWork, kind: str, task: Task, *, previous_state: TaskState, **details: Any
) -> None:
    """Buffer `kind` for `task` as it is now; `details` (note, reason, …) join the payload,
    their keys in camelCase like every payload key."""
    uow.record(
        kind,
        entity_type="task",
        entity_id=task.id,
        service_order_id=task.service_order_id,
        previous_state=previous_state,
        new_state=task.state,
        payload={
            "number": task.number,
            "state": task.state.value,
            "assigneeId": task.assignee_id,
            "version": task.version,
            "attempts": task.attempts,
            "domainOrderId": task.domain_order_id,
            **details,
        },
    )
