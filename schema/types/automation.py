"""What a worker gets with each task it locks (services/automation/context.py)."""

from __future__ import annotations

from typing import cast

import strawberry
from strawberry.scalars import JSON

import models
from schema.types.tasks import Task
from services.automation import LockedTask as LockedTaskData


@strawberry.type(description="A task locked to your worker, with what the work needs.")
class LockedTask:
    data: strawberry.Private[LockedTaskData]

    @strawberry.field(graphql_type=Task)
    def task(self) -> models.Task:
        return self.data.task

    @strawberry.field(
        description="The work's context, the same JSON the built-in worker's handlers get: "
        "`task` (number, name, handler, attempt, maxAttempts, lockedBy, lockExpiresAt, input), "
        "`serviceOrder` (number, externalId, customer, priority), `lineItem` (action, "
        "specificationCode, quantity, characteristics), `domainOrder` (number, "
        "specificationCode), `soldProduct` (state, customer, characteristics: the product the "
        "item makes, or the one a MODIFY or DELETE changes; or null) and `dependencies` (the "
        "tasks it waited on: number, name, state, handler, output)."
    )
    def context(self) -> JSON:
        return cast(JSON, self.data.context())
