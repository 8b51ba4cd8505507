"""Task mutations: start, complete, reassign."""

from __future__ import annotations

import strawberry

from resolvers.mutations import tasks
from schema.info import Info
from schema.inputs import CompleteTaskInput, ReassignTaskInput, StartTaskInput
from schema.payloads import TaskPayload


@strawberry.type
class TaskMutations:
    @strawberry.mutation(
        description="Start a READY task assigned to you, or an unassigned one of your groups; "
        "you become its assignee."
    )
    @staticmethod
    async def start_task(info: Info, input: StartTaskInput) -> TaskPayload:
        outcome = await tasks.start_task(
            info.context, task_id=input.task_id, expected_version=input.expected_version
        )
        return TaskPayload(outcome=outcome)

    @strawberry.mutation(description="Complete a task you are working on.")
    @staticmethod
    async def complete_task(info: Info, input: CompleteTaskInput) -> TaskPayload:
        outcome = await tasks.complete_task(
            info.context,
            task_id=input.task_id,
            note=input.note,
            expected_version=input.expected_version,
        )
        return TaskPayload(outcome=outcome)

    @strawberry.mutation(description="Give a task to another agent (managers; reason required).")
    @staticmethod
    async def reassign_task(info: Info, input: ReassignTaskInput) -> TaskPayload:
        outcome = await tasks.reassign_task(
            info.context,
            task_id=input.task_id,
            assignee_id=input.assignee_id,
            reason=input.reason,
            expected_version=input.expected_version,
        )
        return TaskPayload(outcome=outcome)
