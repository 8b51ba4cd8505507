"""Fallout mutations: create, reassign, resolve."""

from __future__ import annotations

from typing import cast

import strawberry

import models
from resolvers.global_ids import decode_id, decode_input_id
from schema.info import Info
from schema.inputs import CreateFalloutInput, ReassignFalloutInput, ResolveFalloutInput
from schema.mutations.perform import perform_mutation
from schema.payloads import FalloutPayload
from services import fallouts
from services.json_values import JsonValue


def _fallout_id(value: strawberry.ID) -> int:
    return decode_id(value, models.FalloutRecord, field="falloutId")


@strawberry.type
class FalloutMutations:
    @strawberry.mutation(
        description="Report a task that cannot be completed; the task goes ON_HOLD."
    )
    @staticmethod
    async def create_fallout(info: Info, input: CreateFalloutInput) -> FalloutPayload:
        return await perform_mutation(
            info,
            FalloutPayload,
            lambda: fallouts.create_fallout(
                info.context.actor,
                decode_id(input.task_id, models.Task, field="taskId"),
                input.type,
                input.description,
                input.priority,
            ),
        )

    @strawberry.mutation(
        description="Hand a fallout, and its task, to an agent for investigation (managers)."
    )
    @staticmethod
    async def reassign_fallout(info: Info, input: ReassignFalloutInput) -> FalloutPayload:
        return await perform_mutation(
            info,
            FalloutPayload,
            lambda: fallouts.reassign_fallout(
                info.context.actor,
                _fallout_id(input.fallout_id),
                decode_input_id(input.assignee_id, models.User, field="assigneeId"),
                input.note,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        description="Resolve a fallout (managers): retry, complete or skip its task."
    )
    @staticmethod
    async def resolve_fallout(info: Info, input: ResolveFalloutInput) -> FalloutPayload:
        return await perform_mutation(
            info,
            FalloutPayload,
            lambda: fallouts.resolve_fallout(
                info.context.actor,
                _fallout_id(input.fallout_id),
                input.action,
                input.note,
                expected_version=input.expected_version,
                input=cast(JsonValue, input.input),
            ),
        )
