"""Fallout mutations: create, reassign, resolve."""

from __future__ import annotations

import strawberry

from resolvers.mutations import fallouts
from schema.info import Info
from schema.inputs import CreateFalloutInput, ReassignFalloutInput, ResolveFalloutInput
from schema.payloads import FalloutPayload


@strawberry.type
class FalloutMutations:
    @strawberry.mutation(
        description="Report a task that cannot be completed; the task goes ON_HOLD."
    )
    @staticmethod
    async def create_fallout(info: Info, input: CreateFalloutInput) -> FalloutPayload:
        outcome = await fallouts.create_fallout(
            info.context,
            task_id=input.task_id,
            type=input.type,
            description=input.description,
            priority=input.priority,
        )
        return FalloutPayload(outcome=outcome)

    @strawberry.mutation(
        description="Hand a fallout, and its task, to an agent for investigation (managers)."
    )
    @staticmethod
    async def reassign_fallout(info: Info, input: ReassignFalloutInput) -> FalloutPayload:
        outcome = await fallouts.reassign_fallout(
            info.context,
            fallout_id=input.fallout_id,
            assignee_id=input.assignee_id,
            note=input.note,
        )
        return FalloutPayload(outcome=outcome)

    @strawberry.mutation(
        description="Resolve a fallout (managers): retry, complete or skip its task."
    )
    @staticmethod
    async def resolve_fallout(info: Info, input: ResolveFalloutInput) -> FalloutPayload:
        outcome = await fallouts.resolve_fallout(
            info.context, fallout_id=input.fallout_id, action=input.action, note=input.note
        )
        return FalloutPayload(outcome=outcome)
