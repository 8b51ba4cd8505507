"""A task reaching COMPLETED or SKIPPED: release its dependents, pass a point of no return
that a completion without a start passes (services/orders/point_of_no_return.py), and roll the
plan up."""

from __future__ import annotations

from models import ServiceOrder, Task
from models.enums import TaskState
from services.events.recorders import Detail, record_task
from services.orders.point_of_no_return import pass_by_completion
from services.rollup import roll_up
from services.tasks.readiness import (
    FINISH_FIELDS,
    FINISHED_KIND,
    mark_finished,
    release_dependents,
)
from services.unit_of_work import UnitOfWork


async def finish_task(
    uow: UnitOfWork, order: ServiceOrder, task: Task, state: TaskState, **details: Detail
) -> None:
    """Move `task` (already checked) to COMPLETED or SKIPPED; `details` join the payload."""
    previous = task.state
    mark_finished(uow, task, state)
    await task.save(update_fields=FINISH_FIELDS)
    record_task(uow, FINISHED_KIND[state], task, previous_state=previous, **details)
    moved = await release_dependents(uow, task)
    await pass_by_completion(uow, order, [task, *moved])
    await roll_up(uow, order, {task.domain_order_id, *(t.domain_order_id for t in moved)})
