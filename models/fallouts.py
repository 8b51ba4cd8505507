"""Fallout records: what went wrong with a task, and how it was resolved."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.enums import FalloutAction, FalloutState, FalloutType, Priority
from models.orders import ServiceOrder
from models.tasks import Task
from models.users import User


class FalloutRecord(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=16, unique=True)
    type = fields.CharEnumField(FalloutType, max_length=32)
    description = fields.TextField()
    priority = fields.CharEnumField(Priority, max_length=16, default=Priority.NORMAL)
    state = fields.CharEnumField(FalloutState, max_length=16, default=FalloutState.OPEN)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="fallouts", on_delete=fields.CASCADE
    )
    service_order: fields.ForeignKeyRelation[ServiceOrder] = fields.ForeignKeyField(
        "models.ServiceOrder", related_name="fallouts", on_delete=fields.CASCADE
    )
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="assigned_fallouts", null=True, on_delete=fields.RESTRICT
    )
    # Null: created by the system (an automated task that failed for good, services/automation/).
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="created_fallouts", null=True, on_delete=fields.RESTRICT
    )
    resolution_action = fields.CharEnumField(FalloutAction, max_length=16, null=True)
    resolution_note = fields.TextField(null=True)
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="resolved_fallouts", null=True, on_delete=fields.RESTRICT
    )
    resolved_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    task_id: int
    service_order_id: int
    assignee_id: int | None
    created_by_id: int | None
    resolved_by_id: int | None

    class Meta:
        table = "fallout_record"
        ordering = ["-id"]
        # An order's fallouts (plan, rollup), a task's (one open at a time), and the list's
        # keyset pages by state and by assignee.
        indexes = (
            ("service_order_id", "state"),
            ("task_id", "state"),
            ("state", "id"),
            ("assignee_id", "id"),
        )
