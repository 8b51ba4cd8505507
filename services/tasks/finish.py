"""A task reaching COMPLETED or SKIPPED: release its dependents and roll the plan up."""

from __future__ import annotations

from models import ServiceOrder, Task
from models.enums import TaskState
from services.events.kinds import EventKind
from services.events.recorders import Detail, record_task
from services.rollup import roll_up
from services.tasks.readiness import release_dependents
from services.unit_of_work import UnitOfWork

_EVENT_KIND = {
    TaskState.COMPLETED: EventKind.TASK_COMPLETED,
    TaskState.SKIPPED: EventKind.TASK_SKIPPED,
}


async def finish_task(
    uow: UnitOfWork, order: ServiceOrder, task: Task, state: TaskState, **details: Detail
) -> None:
    """Move `task` (already checked) to COMPLETED or SKIPPED; `details` join the payload."""
    previous = task.state
    task.state = state
    task.version += 1
    task.completed_at = uow.started_at
    await task.save(update_fields=["state", "version", "completed_at", "updated_at"])
    record_task(uow, _EVENT_KIND[state], task, previous_state=previous, **details)
    released = await release_dependents(uow, task)
    await roll_up(uow, order, {task.domain_order_id, *(t.domain_order_id for t in released)})
