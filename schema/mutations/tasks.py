"""Task mutations: start, complete, reassign."""

from __future__ import annotations

import strawberry

import models
from resolvers.global_ids import decode_id, decode_input_id
from schema.info import Info
from schema.inputs import CompleteTaskInput, ReassignTaskInput, StartTaskInput
from schema.mutations.perform import perform_mutation
from schema.payloads import TaskPayload
from services import tasks


def _task_id(value: strawberry.ID) -> int:
    return decode_id(value, models.Task, field="taskId")


@strawberry.type
class TaskMutations:
    @strawberry.mutation(
        description="Start a READY task assigned to you, or an unassigned one of your groups; "
        "you become its assignee."
    )
    @staticmethod
    async def start_task(info: Info, input: StartTaskInput) -> TaskPayload:
        return await perform_mutation(
            info,
            TaskPayload,
            lambda: tasks.start_task(
                info.context.actor,
                _task_id(input.task_id),
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(description="Complete a task you are working on.")
    @staticmethod
    async def complete_task(info: Info, input: CompleteTaskInput) -> TaskPayload:
        return await perform_mutation(
            info,
            TaskPayload,
            lambda: tasks.complete_task(
                info.context.actor,
                _task_id(input.task_id),
                input.note,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(description="Give a task to another agent (managers; reason required).")
    @staticmethod
    async def reassign_task(info: Info, input: ReassignTaskInput) -> TaskPayload:
        return await perform_mutation(
            info,
            TaskPayload,
            lambda: tasks.reassign_task(
                info.context.actor,
                _task_id(input.task_id),
                decode_input_id(input.assignee_id, models.User, field="assigneeId"),
                input.reason,
                expected_version=input.expected_version,
            ),
        )
