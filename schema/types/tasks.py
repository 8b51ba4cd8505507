"""Fulfillment tasks and their finish-to-start dependencies."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry.scalars import JSON

import models
from resolvers import people, plan, viewer_permissions
from resolvers.plan import Now, now_or_later
from schema.enums import JeopardyLevel, Priority, TaskKind, TaskState
from schema.info import Info
from schema.node import Node, node_type
from schema.types.domain_orders import DomainOrder
from schema.types.people import HIDDEN_USERS, AssignmentGroup, User
from schema.types.permissions import TaskPermissions
from services import json_values, permissions

if TYPE_CHECKING:
    from schema.types.fallouts import FalloutRecord
    from schema.types.orders import ServiceOrder

FalloutRecordType = Annotated["FalloutRecord", strawberry.lazy("schema.types.fallouts")]
ServiceOrderType = Annotated["ServiceOrder", strawberry.lazy("schema.types.orders")]
TaskType = Annotated["Task", strawberry.lazy("schema.types.tasks")]


@node_type(models.Task, description="A piece of work an agent starts and completes.")
class Task(Node):
    number: str
    name: str
    state: TaskState
    priority: Priority
    due_at: datetime | None = strawberry.field(
        description="The latest this task may end for its order to meet its "
        "requestedCompletionDate (moved by the time the order was held); null without one."
    )
    expected_duration_minutes: int
    planned_start_at: datetime | None = strawberry.field(
        description="When it is planned to start (its actual start once started): after all "
        "it waits on has ended, not before now, and not before its nextAttemptAt (an "
        "automated task retried after a failure), as of the order's scheduledAt. Null "
        "before approval."
    )
    planned_end_at: datetime | None = strawberry.field(
        description="When it is planned to end (its actual end once done), as of the "
        "order's scheduledAt."
    )
    slack_minutes: int | None = strawberry.field(
        description="How much later it could end without moving the order's "
        "expectedCompletionAt (total float, rounded down); 0 on the critical path."
    )
    on_critical_path: bool = strawberry.field(
        description="Whether it is on a chain that determines the order's expected completion."
    )
    jeopardy: JeopardyLevel = strawberry.field(description="NONE once done or cancelled.")

    @strawberry.field(description="Why it is in jeopardy; null at NONE.")
    @staticmethod
    def jeopardy_reason(root: models.Task) -> str | None:
        return root.jeopardy_reason or None

    attempts: int = strawberry.field(
        description="How many times the task was started (automated: fetched by a worker, "
        "since its last RETRY_TASK)."
    )
    kind: TaskKind
    handler: str | None = strawberry.field(
        description="AUTOMATED: the topic of the workers that do it."
    )
    max_attempts: int = strawberry.field(
        description="AUTOMATED: how many attempts before a fallout holds it."
    )
    next_attempt_at: datetime | None = strawberry.field(
        description="AUTOMATED, READY after a retryable failure: no worker gets it before then."
    )
    locked_by: str | None = strawberry.field(
        description="AUTOMATED, IN_PROGRESS: the worker holding it."
    )
    lock_expires_at: datetime | None = strawberry.field(
        description="When the worker's lock runs out; the attempt then counts as failed "
        "(worker lost)."
    )
    last_error: str | None = strawberry.field(
        description="AUTOMATED: the error of the last failed attempt."
    )

    @strawberry.field(graphql_type=JSON | None, description="AUTOMATED: what its worker returned.")
    @staticmethod
    def output(root: models.Task) -> JSON | None:
        return cast(JSON, json_values.shown(root.output))

    @strawberry.field(
        graphql_type=JSON | None,
        description="AUTOMATED: the corrected input a RETRY_TASK resolution gave its worker.",
    )
    @staticmethod
    def input(root: models.Task) -> JSON | None:
        return cast(JSON, json_values.shown(root.input))

    deferred_outcome: TaskState | None = strawberry.field(
        description="COMPLETED or SKIPPED: what a fallout resolution decided for this task "
        "while it still waited on its predecessors (it is PENDING meanwhile). Applied as soon "
        "as every task it depends on is done; null otherwise."
    )
    is_point_of_no_return: bool = strawberry.field(
        description="Starting it (or completing it without a start, by a fallout's resolution) "
        "passes its line item's point of no return: the item can no longer be cancelled or "
        "revised. Planned from its template's mark."
    )
    version: int = strawberry.field(description="Goes up by one on every change.")
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None

    # Plain functions that answer at once when the plan is loaded (resolvers/plan.py): a
    # plan asks these of every one of its tasks.

    @strawberry.field(graphql_type=AssignmentGroup)
    @staticmethod
    def assignment_group(root: models.Task, info: Info) -> Now[models.AssignmentGroup | None]:
        return now_or_later(info.context.loaders.group, root.assignment_group_id)

    @strawberry.field(graphql_type=User | None, description=HIDDEN_USERS)
    @staticmethod
    def assignee(root: models.Task, info: Info) -> Now[models.User | None]:
        return people.readable_user(info.context, root.assignee_id)

    @strawberry.field(
        graphql_type=list[TaskType], description="Tasks that must be done before this one starts."
    )
    @staticmethod
    def depends_on(root: models.Task, info: Info) -> Now[list[models.Task]]:
        return plan.depends_on(info.context.loaders, root)

    @strawberry.field(graphql_type=list[TaskType], description="Tasks that wait for this one.")
    @staticmethod
    def dependents(root: models.Task, info: Info) -> Now[list[models.Task]]:
        return plan.dependents(info.context.loaders, root)

    @strawberry.field(
        graphql_type=TaskType | None,
        description="For a compensating task: the completed task of a cancelled line item it "
        "undoes. Null for every other task.",
    )
    @staticmethod
    def compensates(root: models.Task, info: Info) -> Now[models.Task | None]:
        undone = root.compensates_id
        if undone is None:
            return None
        # The task it undoes is of the same order, so in the order's plan.
        return plan.task_in_order(info.context.loaders, root.service_order_id, undone)

    @strawberry.field(graphql_type=DomainOrder)
    @staticmethod
    def domain_order(root: models.Task, info: Info) -> Now[models.DomainOrder | None]:
        return plan.domain_order_of(info.context.loaders, root)

    @strawberry.field(graphql_type=ServiceOrderType | None)
    @staticmethod
    def service_order(root: models.Task, info: Info) -> Now[models.ServiceOrder | None]:
        return plan.readable_order_now(info.context, root.service_order_id)

    @strawberry.field(graphql_type=list[FalloutRecordType], description="Newest first.")
    @staticmethod
    def fallouts(root: models.Task, info: Info) -> Now[list[models.FalloutRecord]]:
        return plan.fallouts_of(info.context.loaders, root)

    @strawberry.field(graphql_type=TaskPermissions, description="What you may do to it now.")
    @staticmethod
    def viewer_can(root: models.Task, info: Info) -> Now[permissions.TaskPermissions]:
        return viewer_permissions.task_permissions(info.context, root)
