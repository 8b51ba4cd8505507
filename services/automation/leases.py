"""The checks every answer of a worker makes, in the order of services/transitions.py:

1. lock: the task exists, and its order is locked (NOT_FOUND);
2. permission: the role table (FORBIDDEN); then the task is automated at all (INVALID_STATE:
   a manual task is no worker's, whatever its lease says);
3. lease: the worker holds the task's lock, unexpired (CONFLICT) — the worker's "version" of
   the task: one that lost it decided on a task that is no longer its own;
4. state: the task is IN_PROGRESS (INVALID_STATE);
5. then each operation reads the rest of its input (VALIDATION).
"""

from __future__ import annotations

from datetime import datetime

from models import ServiceOrder, Task, User
from models.enums import TaskState
from services.automation.rules import holds_lease, is_automated
from services.errors import ConflictError, InvalidStateError
from services.locking import lock_task
from services.policy import Action, require


async def lock_leased_task(
    actor: User, action: Action, task_id: int, worker_id: str, at: datetime
) -> tuple[Task, ServiceOrder]:
    task, order = await lock_task(task_id)
    require(actor, action)
    if not is_automated(task):
        raise InvalidStateError(
            f"Task {task.number} is not automated: a person works it.", field="taskId"
        )
    if not holds_lease(task, worker_id, at):
        raise ConflictError(_why_not_held(task, worker_id), field="workerId")
    if task.state is not TaskState.IN_PROGRESS:
        raise InvalidStateError(
            f"Task {task.number} is {task.state.value}; only an IN_PROGRESS task is worked.",
            field="taskId",
        )
    return task, order


def _why_not_held(task: Task, worker_id: str) -> str:
    if task.locked_by is None:
        return f"Task {task.number} is not locked by any worker; fetch it first."
    if task.locked_by != worker_id:
        return f"Task {task.number} is locked by another worker."
    return (
        f"Your lock on task {task.number} has expired; the task will be retried. Extend a "
        "lock before it runs out."
    )
