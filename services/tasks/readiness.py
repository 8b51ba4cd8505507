"""Finish-to-start: a task becomes READY once every task it depends on is done."""

from __future__ import annotations

from typing import cast

from tortoise.expressions import F

from models import Task, TaskDependency
from models.enums import TASK_DONE_STATES, TaskState
from services.events.kinds import EventKind
from services.events.recorders import record_task
from services.unit_of_work import UnitOfWork

_NOT_DONE = [state for state in TaskState if state not in TASK_DONE_STATES]


async def predecessors_done(task: Task) -> bool:
    return not await TaskDependency.filter(
        task_id=task.id, depends_on__state__in=_NOT_DONE
    ).exists()


async def release_dependents(uow: UnitOfWork, finished: Task) -> list[Task]:
    """Ready each PENDING dependent of `finished` whose predecessors are all done now.

    A dependent on hold is left alone: resolving its fallout checks readiness again.
    """
    dependent_ids = await TaskDependency.filter(depends_on_id=finished.id).values_list(
        "task_id", flat=True
    )
    if not dependent_ids:
        return []
    candidates = await Task.filter(id__in=dependent_ids, state=TaskState.PENDING)
    blocked = {
        cast(int, task_id)
        for task_id in await TaskDependency.filter(
            task_id__in=[task.id for task in candidates], depends_on__state__in=_NOT_DONE
        ).values_list("task_id", flat=True)
    }
    released = [task for task in candidates if task.id not in blocked]
    if not released:
        return []
    await Task.filter(id__in=[task.id for task in released]).update(
        state=TaskState.READY, version=F("version") + 1, updated_at=uow.started_at
    )
    for task in released:
        task.state = TaskState.READY
        task.version += 1
        record_task(uow, EventKind.TASK_READY, task, previous_state=TaskState.PENDING)
    return released
