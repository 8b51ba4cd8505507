"""Fallout: report it on a task, hand it to someone, resolve it."""

from __future__ import annotations

from models import FalloutRecord, Task, User
from models.enums import FalloutAction, FalloutType, Priority
from resolvers.context import Context
from resolvers.global_ids import decode_id
from resolvers.mutations.outcome import Outcome, attempt
from services import fallouts


async def create_fallout(
    context: Context, *, task_id: str, type: FalloutType, description: str, priority: Priority
) -> Outcome[FalloutRecord]:
    async def action() -> FalloutRecord:
        pk = decode_id(task_id, Task, field="taskId")
        return await fallouts.create_fallout(context.actor, pk, type, description, priority)

    return await attempt(context, action)


async def reassign_fallout(
    context: Context, *, fallout_id: str, assignee_id: str, note: str | None
) -> Outcome[FalloutRecord]:
    async def action() -> FalloutRecord:
        pk = decode_id(fallout_id, FalloutRecord, field="falloutId")
        assignee = decode_id(assignee_id, User, field="assigneeId")
        return await fallouts.reassign_fallout(context.actor, pk, assignee, note)

    return await attempt(context, action)


async def resolve_fallout(
    context: Context, *, fallout_id: str, action: FalloutAction, note: str
) -> Outcome[FalloutRecord]:
    async def run() -> FalloutRecord:
        pk = decode_id(fallout_id, FalloutRecord, field="falloutId")
        return await fallouts.resolve_fallout(context.actor, pk, action, note)

    return await attempt(context, run)
