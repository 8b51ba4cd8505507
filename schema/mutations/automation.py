"""The external-task protocol of automated tasks: fetch and lock, complete, fail, extend
(role AUTOMATION; services/automation/)."""

from __future__ import annotations

from typing import cast

import strawberry

import models
from resolvers.global_ids import decode_id
from schema.info import Info
from schema.inputs import (
    CompleteAutomatedTaskInput,
    ExtendTaskLockInput,
    FailAutomatedTaskInput,
    FetchAndLockTasksInput,
)
from schema.mutations.perform import perform_mutation
from schema.payloads import FetchAndLockTasksPayload, TaskPayload
from services import automation
from services.json_values import JsonValue


def _task_id(value: strawberry.ID) -> int:
    return decode_id(value, models.Task, field="taskId")


@strawberry.type
class AutomationMutations:
    @strawberry.mutation(
        description="Lock up to maxTasks READY automated tasks of your handlers whose next "
        "attempt is due, to your worker until now + lockSeconds (each becomes IN_PROGRESS, "
        "attempts + 1). Never hands one task to two workers. Poll every few seconds when it "
        "returns none (README, Automated tasks)."
    )
    @staticmethod
    async def fetch_and_lock_tasks(
        info: Info, input: FetchAndLockTasksInput
    ) -> FetchAndLockTasksPayload:
        return await perform_mutation(
            info,
            FetchAndLockTasksPayload,
            lambda: automation.fetch_and_lock_tasks(
                info.context.actor,
                worker_id=input.worker_id,
                handlers=input.handlers,
                max_tasks=input.max_tasks,
                lock_seconds=input.lock_seconds,
            ),
        )

    @strawberry.mutation(
        description="Complete a task your worker holds the unexpired lock of (else CONFLICT), "
        "with its output; the plan moves on."
    )
    @staticmethod
    async def complete_automated_task(info: Info, input: CompleteAutomatedTaskInput) -> TaskPayload:
        return await perform_mutation(
            info,
            TaskPayload,
            lambda: automation.complete_automated_task(
                info.context.actor,
                task_id=_task_id(input.task_id),
                worker_id=input.worker_id,
                output=cast(JsonValue, input.output),
            ),
        )

    @strawberry.mutation(
        description="Report a failed attempt on a task your worker holds: READY again after "
        "the backoff if retryable and attempts are left, else ON_HOLD with a fallout."
    )
    @staticmethod
    async def fail_automated_task(info: Info, input: FailAutomatedTaskInput) -> TaskPayload:
        return await perform_mutation(
            info,
            TaskPayload,
            lambda: automation.fail_automated_task(
                info.context.actor,
                task_id=_task_id(input.task_id),
                worker_id=input.worker_id,
                error=input.error,
                retryable=input.retryable,
                error_type=None if input.error_type is None else input.error_type.value,
            ),
        )

    @strawberry.mutation(description="Extend your worker's unexpired lock on a task.")
    @staticmethod
    async def extend_task_lock(info: Info, input: ExtendTaskLockInput) -> TaskPayload:
        return await perform_mutation(
            info,
            TaskPayload,
            lambda: automation.extend_task_lock(
                info.context.actor,
                task_id=_task_id(input.task_id),
                worker_id=input.worker_id,
                lock_seconds=input.lock_seconds,
            ),
        )
