"""Fulfillment tasks and their finish-to-start dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from tortoise import fields
from tortoise.models import Model

from models.catalog import TaskTemplate
from models.domain_orders import DomainOrder
from models.enums import JeopardyLevel, Priority, TaskKind, TaskState
from models.orders import ServiceOrder
from models.users import AssignmentGroup, User

if TYPE_CHECKING:
    from models.fallouts import FalloutRecord


class Task(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=16, unique=True)
    name = fields.CharField(max_length=128)
    template: fields.ForeignKeyNullableRelation[TaskTemplate] = fields.ForeignKeyField(
        "models.TaskTemplate", related_name="tasks", null=True, on_delete=fields.SET_NULL
    )
    domain_order: fields.ForeignKeyRelation[DomainOrder] = fields.ForeignKeyField(
        "models.DomainOrder", related_name="tasks", on_delete=fields.CASCADE
    )
    # Denormalised from the domain order: task lists filter by order, and every task
    # transition locks its order row first.
    service_order: fields.ForeignKeyRelation[ServiceOrder] = fields.ForeignKeyField(
        "models.ServiceOrder", related_name="tasks", on_delete=fields.CASCADE
    )
    state = fields.CharEnumField(TaskState, max_length=16, default=TaskState.PENDING)
    priority = fields.CharEnumField(Priority, max_length=16, default=Priority.NORMAL)
    assignment_group: fields.ForeignKeyRelation[AssignmentGroup] = fields.ForeignKeyField(
        "models.AssignmentGroup", related_name="tasks", on_delete=fields.RESTRICT
    )
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="assigned_tasks", null=True, on_delete=fields.RESTRICT
    )
    expected_duration_minutes = fields.IntField(default=60)
    # The schedule (services/schedule/): written by `reschedule` in the transaction of every
    # change that can move it, and by the jeopardy sweeper. due_at is the latest finish that
    # still meets the order's requested completion date (null without one).
    due_at = fields.DatetimeField(null=True)
    planned_start_at = fields.DatetimeField(null=True)
    planned_end_at = fields.DatetimeField(null=True)
    slack_minutes = fields.IntField(null=True)
    on_critical_path = fields.BooleanField(default=False, db_default=False)
    jeopardy = fields.CharEnumField(
        JeopardyLevel, max_length=16, default=JeopardyLevel.NONE, db_default=JeopardyLevel.NONE
    )
    jeopardy_reason = fields.CharField(max_length=256, default="", db_default="")
    # How late, in minutes, for the overdue list sorted by it: how far it is planned to end
    # after its due date, or has run past its planned end; 0 when neither.
    lateness_minutes = fields.IntField(default=0, db_default=0)
    attempts = fields.IntField(default=0)
    # COMPLETED or SKIPPED: what a fallout resolution decided while the task still waited on
    # its predecessors. It is applied as soon as they are all done (services/tasks/readiness.py).
    # CharEnumField has no typing for null=True: say so, or None would not type-check.
    deferred_outcome = cast(
        "fields.Field[TaskState | None]",
        fields.CharEnumField(TaskState, max_length=16, null=True),
    )
    # Automated tasks (services/automation/): the template's handler and retry policy, copied
    # at planning; the worker's lease (who holds it, until when); when the next attempt is
    # due after a retryable failure; the last error; the worker's output; and the corrected
    # input a RETRY_TASK resolution may hand to the next attempt.
    kind = fields.CharEnumField(
        TaskKind, max_length=16, default=TaskKind.MANUAL, db_default=TaskKind.MANUAL
    )
    handler = cast("fields.Field[str | None]", fields.CharField(max_length=64, null=True))
    max_attempts = fields.IntField(default=1, db_default=1)
    backoff_seconds = fields.IntField(default=30, db_default=30)
    backoff_max_seconds = fields.IntField(default=600, db_default=600)
    lock_seconds = fields.IntField(default=300, db_default=300)
    next_attempt_at = fields.DatetimeField(null=True)
    locked_by = cast("fields.Field[str | None]", fields.CharField(max_length=128, null=True))
    lock_expires_at = fields.DatetimeField(null=True)
    last_error = cast("fields.Field[str | None]", fields.TextField(null=True))
    output: object = fields.JSONField(null=True)
    input: object = fields.JSONField(null=True)
    # Copied from the template when planned: the task keeps the rule it was planned with.
    is_point_of_no_return = fields.BooleanField(default=False, db_default=False)
    # A compensating task: the COMPLETED task (of a cancelled line item) it undoes.
    compensates: fields.ForeignKeyNullableRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="compensated_by", null=True, on_delete=fields.CASCADE
    )
    version = fields.IntField(default=1)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    started_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)

    template_id: int | None
    domain_order_id: int
    service_order_id: int
    assignment_group_id: int
    assignee_id: int | None
    compensates_id: int | None
    compensated_by: fields.ReverseRelation[Task]
    predecessor_links: fields.ReverseRelation[TaskDependency]
    successor_links: fields.ReverseRelation[TaskDependency]
    fallouts: fields.ReverseRelation[FalloutRecord]

    class Meta:
        table = "task"
        ordering = ["id"]
        # Every statement on tasks finds its rows by index, whatever the table holds
        # (docs/DEVELOPING.md, Indexes): an order's tasks by state (rollup, plan); a domain
        # order's (rollup); the lists' keyset pages in id order by state, by group and state,
        # by assignee with or without a state; and the tasks of a template the catalog removes
        # (ON DELETE SET NULL); the compensations of a task (ON DELETE CASCADE); the READY
        # automated tasks of a handler whose attempt is due (fetch and lock), and the leases
        # that expired (the sweeper).
        indexes = (
            ("service_order_id", "state"),
            ("domain_order_id",),
            ("state", "id"),
            ("assignment_group_id", "state", "id"),
            ("assignee_id", "state", "id"),
            ("assignee_id", "id"),
            ("template_id",),
            ("handler", "state", "next_attempt_at", "id"),
            ("lock_expires_at",),
            ("compensates_id",),
            # tasks(filter: {overdue: true}): the late ones, most overdue first.
            ("jeopardy", "lateness_minutes", "id"),
        )


class TaskDependency(Model):
    """Finish-to-start: `task` may start only when `depends_on` is COMPLETED or SKIPPED."""

    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="predecessor_links", on_delete=fields.CASCADE
    )
    depends_on: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="successor_links", on_delete=fields.CASCADE
    )

    task_id: int
    depends_on_id: int

    class Meta:
        table = "task_dependency"
        # (task, depends_on) finds a task's predecessors; the index finds a finished task's
        # dependents, and holds the answer (an index-only scan).
        unique_together = (("task", "depends_on"),)
        indexes = (("depends_on_id", "task_id"),)
