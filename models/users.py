"""People and the assignment groups that work tasks."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AssignmentGroup(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    description = fields.TextField(default="")

    members: fields.ManyToManyRelation[User]

    class Meta:
        table = "assignment_group"
        ordering = ["name"]


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=128)
    # Roles are a small closed set read on every request: a JSON list beats a join table.
    roles: list[str] = fields.JSONField(default=list)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    groups: fields.ManyToManyRelation[AssignmentGroup] = fields.ManyToManyField(
        "models.AssignmentGroup", related_name="members", through="user_assignment_group"
    )

    class Meta:
        table = "app_user"
        ordering = ["username"]
