"""Working tasks: start, complete, reassign."""

from __future__ import annotations

from models import Task, User
from resolvers.context import Context
from resolvers.global_ids import decode_id
from resolvers.mutations.outcome import Outcome, attempt
from services import tasks


async def start_task(
    context: Context, *, task_id: str, expected_version: int | None
) -> Outcome[Task]:
    async def action() -> Task:
        pk = decode_id(task_id, Task, field="taskId")
        return await tasks.start_task(context.actor, pk, expected_version=expected_version)

    return await attempt(context, action)


async def complete_task(
    context: Context, *, task_id: str, note: str | None, expected_version: int | None
) -> Outcome[Task]:
    async def action() -> Task:
        pk = decode_id(task_id, Task, field="taskId")
        return await tasks.complete_task(context.actor, pk, note, expected_version=expected_version)

    return await attempt(context, action)


async def reassign_task(
    context: Context,
    *,
    task_id: str,
    assignee_id: str,
    reason: str,
    expected_version: int | None,
) -> Outcome[Task]:
    async def action() -> Task:
        pk = decode_id(task_id, Task, field="taskId")
        assignee = decode_id(assignee_id, User, field="assigneeId")
        return await tasks.reassign_task(
            context.actor, pk, assignee, reason, expected_version=expected_version
        )

    return await attempt(context, action)
