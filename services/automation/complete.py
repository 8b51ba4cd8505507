"""The worker holding a task's lock completes it, with its output; the plan moves on as when a
person completes a task (services/tasks/finish.py)."""

from __future__ import annotations

from models import Task, User
from models.enums import TaskState
from services.automation.inputs import output_of
from services.automation.leases import lock_leased_task
from services.json_values import JsonValue
from services.policy import Action
from services.tasks.finish import finish_task
from services.tasks.worker_lock import LOCK_FIELDS, Attempt, end_attempt
from services.unit_of_work import unit_of_work


async def complete_automated_task(
    actor: User, *, task_id: int, worker_id: str, output: JsonValue
) -> Task:
    async with unit_of_work(actor) as uow:
        task, order = await lock_leased_task(
            actor, Action.COMPLETE_AUTOMATED_TASK, task_id, worker_id, uow.started_at
        )
        task.output = output_of(output)
        task.last_error = None
        end_attempt(uow, task, Attempt.COMPLETED)
        await task.save(update_fields=["output", "last_error", *LOCK_FIELDS])
        await finish_task(uow, order, task, TaskState.COMPLETED, workerId=worker_id)
    return task
