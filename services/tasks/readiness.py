"""Finish-to-start: a task is released once every task it depends on is done.

Released means READY, or, for a task whose fallout was resolved with COMPLETE_TASK or SKIP_TASK
while it still waited, finished as decided (tasks/rules.py `state_when_released`). A task
finished so releases its own dependents in turn, in the same transaction, so that no task
waits PENDING behind work that is done.
"""

from __future__ import annotations

from typing import cast

from tortoise.expressions import F

from models import Task, TaskDependency
from models.enums import TASK_DONE_STATES, TaskState
from services.events.kinds import EventKind
from services.events.recorders import record_task
from services.tasks.rules import state_when_released
from services.unit_of_work import UnitOfWork

_NOT_DONE = [state for state in TaskState if state not in TASK_DONE_STATES]
# The event of a task reaching each done state, however it got there.
FINISHED_KIND = {
    TaskState.COMPLETED: EventKind.TASK_COMPLETED,
    TaskState.SKIPPED: EventKind.TASK_SKIPPED,
}
FINISH_FIELDS = ["state", "deferred_outcome", "version", "completed_at", "updated_at"]


def mark_finished(uow: UnitOfWork, task: Task, state: TaskState) -> None:
    """Set `task` (in memory) to the done `state`; its caller saves FINISH_FIELDS."""
    task.state = state
    task.deferred_outcome = None
    task.version += 1
    task.completed_at = uow.started_at


async def predecessors_done(task: Task) -> bool:
    return not await TaskDependency.filter(
        task_id=task.id, depends_on__state__in=_NOT_DONE
    ).exists()


async def release_dependents(uow: UnitOfWork, finished: Task) -> list[Task]:
    """Release each PENDING dependent of `finished` whose predecessors are all done now, and
    so on down the graph for those that finish on release; return every task released.

    A dependent on hold is left alone: resolving its fallout checks readiness again.
    """
    moved: list[Task] = []
    finished_ids = [finished.id]
    while finished_ids:
        released = await _releasable_dependents(finished_ids)
        readied = [task for task in released if state_when_released(task) is TaskState.READY]
        await _ready(uow, readied)
        finishing = [task for task in released if state_when_released(task) in TASK_DONE_STATES]
        for task in finishing:
            mark_finished(uow, task, state_when_released(task))
            await task.save(update_fields=FINISH_FIELDS)
            record_task(
                uow,
                FINISHED_KIND[task.state],
                task,
                previous_state=TaskState.PENDING,
                deferred=True,
            )
        moved += released
        finished_ids = [task.id for task in finishing]
    return moved


async def _releasable_dependents(finished_ids: list[int]) -> list[Task]:
    dependent_ids = await TaskDependency.filter(depends_on_id__in=finished_ids).values_list(
        "task_id", flat=True
    )
    if not dependent_ids:
        return []
    candidates = await Task.filter(id__in=dependent_ids, state=TaskState.PENDING)
    if not candidates:
        return []
    blocked = {
        cast(int, task_id)
        for task_id in await TaskDependency.filter(
            task_id__in=[task.id for task in candidates], depends_on__state__in=_NOT_DONE
        ).values_list("task_id", flat=True)
    }
    return [task for task in candidates if task.id not in blocked]


async def _ready(uow: UnitOfWork, tasks: list[Task]) -> None:
    if not tasks:
        return
    await Task.filter(id__in=[task.id for task in tasks]).update(
        state=TaskState.READY, version=F("version") + 1, updated_at=uow.started_at
    )
    for task in tasks:
        task.state = TaskState.READY
        task.version += 1
        record_task(uow, EventKind.TASK_READY, task, previous_state=TaskState.PENDING)
