"""An agent starts (claims) a READY task."""

from __future__ import annotations

from models import ServiceOrder, Task, User
from models.enums import TaskState
from services.events.kinds import EventKind
from services.events.recorders import record_task
from services.locking import lock_task
from services.orders.point_of_no_return import pass_point_of_no_return
from services.orders.rules import starts_no_task
from services.policy import Action, can_start_task
from services.rollup import roll_up
from services.tasks.rules import can_be_started, is_automated, why_not_by_hand
from services.transitions import check_transition
from services.unit_of_work import unit_of_work
from services.users import group_ids_of


async def start_task(actor: User, task_id: int, *, expected_version: int | None = None) -> Task:
    async with unit_of_work(actor) as uow:
        task, order = await lock_task(task_id)
        check_transition(
            actor,
            Action.START_TASK,
            task,
            what="Task",
            field="taskId",
            permitted=can_start_task(actor, task, await group_ids_of(actor)),
            forbidden=f"Task {task.number} is assigned to someone else or outside your groups.",
            expected_version=expected_version,
            allowed=can_be_started(task, order),
            wrong_state=_why_not_started(task, order),
        )
        previous = task.state
        task.state = TaskState.IN_PROGRESS
        task.assignee_id = actor.id
        task.attempts += 1
        task.started_at = uow.started_at
        task.version += 1
        await task.save(
            update_fields=[
                "state",
                "assignee_id",
                "attempts",
                "started_at",
                "version",
                "updated_at",
            ]
        )
        record_task(uow, EventKind.TASK_STARTED, task, previous_state=previous)
        await pass_point_of_no_return(uow, order, task)
        await roll_up(uow, order, [task.domain_order_id])
    return task


def _why_not_started(task: Task, order: ServiceOrder) -> str:
    if starts_no_task(order) and not is_automated(task):
        return f"Service order {order.number} is HELD; its tasks start once it is resumed."
    return why_not_by_hand(task, "started", TaskState.READY)
