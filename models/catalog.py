"""The catalog: service specifications, how they relate, and the task templates they carry."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise import fields
from tortoise.models import Model

from models.enums import LineItemAction, RelationshipType, SpecificationKind, TaskKind
from models.users import AssignmentGroup

# Actions (LineItemAction values) are stored comma-separated, in the enum's order: a literal
# default, which every existing row takes when the column is added (a JSON list's default
# would be a function, which neither backend's ALTER TABLE can use), and equal sets are equal
# strings (installing a catalog twice writes nothing).
ALL_ACTIONS = "ADD,MODIFY,DELETE"
ADD_ONLY = "ADD"


def stored_actions(actions: Iterable[LineItemAction]) -> str:
    wanted = set(actions)
    return ",".join(action.value for action in LineItemAction if action in wanted)


def read_actions(stored: str) -> frozenset[LineItemAction]:
    return frozenset(LineItemAction(value) for value in stored.split(",") if value)


class ServiceSpecification(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=128)
    kind = fields.CharEnumField(SpecificationKind, max_length=32)
    domain = fields.CharField(max_length=64)
    description = fields.TextField(default="")
    # The line item characteristics whose change its MODIFY work reacts to; null: any change.
    depends_on_characteristics: list[str] | None = fields.JSONField(null=True)

    relationships: fields.ReverseRelation[SpecificationRelationship]
    task_templates: fields.ReverseRelation[TaskTemplate]

    class Meta:
        table = "service_specification"
        ordering = ["code"]


class SpecificationRelationship(Model):
    id = fields.IntField(primary_key=True)
    source: fields.ForeignKeyRelation[ServiceSpecification] = fields.ForeignKeyField(
        "models.ServiceSpecification", related_name="relationships", on_delete=fields.CASCADE
    )
    target: fields.ForeignKeyRelation[ServiceSpecification] = fields.ForeignKeyField(
        "models.ServiceSpecification", related_name="dependents", on_delete=fields.CASCADE
    )
    type = fields.CharEnumField(RelationshipType, max_length=16)
    quantity = fields.IntField(default=1)
    position = fields.IntField(default=0)
    # Exclusion rule: the target is left out when the line item's characteristic
    # `exclude_characteristic` has one of `exclude_values`.
    exclude_characteristic = fields.CharField(max_length=64, null=True)
    exclude_values: list[object] | None = fields.JSONField(null=True)
    # The actions the relationship is walked for (comma-separated): what a product is made of
    # does not depend on the action, so by default all of them.
    actions = fields.CharField(max_length=32, default=ALL_ACTIONS, db_default=ALL_ACTIONS)

    source_id: int
    target_id: int

    class Meta:
        table = "specification_relationship"
        ordering = ["position", "id"]


class TaskTemplate(Model):
    id = fields.IntField(primary_key=True)
    specification: fields.ForeignKeyRelation[ServiceSpecification] = fields.ForeignKeyField(
        "models.ServiceSpecification", related_name="task_templates", on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=64)
    name = fields.CharField(max_length=128)
    assignment_group: fields.ForeignKeyRelation[AssignmentGroup] = fields.ForeignKeyField(
        "models.AssignmentGroup", related_name="task_templates", on_delete=fields.RESTRICT
    )
    expected_duration_minutes = fields.IntField(default=60)
    position = fields.IntField(default=0)
    # The actions it is planned for (comma-separated; empty for a compensation-only template).
    actions = fields.CharField(max_length=32, default=ADD_ONLY, db_default=ADD_ONLY)
    # AUTOMATED: done by a worker of `handler` (a topic), retried by the policy below; its
    # tasks copy these at planning (services/automation_policy.py has the defaults).
    kind = fields.CharEnumField(
        TaskKind, max_length=16, default=TaskKind.MANUAL, db_default=TaskKind.MANUAL
    )
    handler = fields.CharField(max_length=64, null=True)
    max_attempts = fields.IntField(default=3, db_default=3)
    backoff_seconds = fields.IntField(default=30, db_default=30)
    backoff_max_seconds = fields.IntField(default=600, db_default=600)
    lock_seconds = fields.IntField(default=300, db_default=300)
    # Once a task of this template starts, its line item can no longer be cancelled or revised.
    point_of_no_return = fields.BooleanField(default=False, db_default=False)
    # The template (of the same specification) whose task undoes a COMPLETED task of this one
    # when its line item is cancelled; a template named here is planned for no action.
    compensated_by: fields.ForeignKeyNullableRelation[TaskTemplate] = fields.ForeignKeyField(
        "models.TaskTemplate", related_name="compensates", null=True, on_delete=fields.SET_NULL
    )

    specification_id: int
    assignment_group_id: int
    compensated_by_id: int | None
    dependencies: fields.ReverseRelation[TaskTemplateDependency]
    compensates: fields.ReverseRelation[TaskTemplate]

    class Meta:
        table = "task_template"
        unique_together = (("specification", "code"),)
        ordering = ["position", "id"]


class TaskTemplateDependency(Model):
    """`template` may start only once `depends_on` (of the same specification) is done."""

    id = fields.IntField(primary_key=True)
    template: fields.ForeignKeyRelation[TaskTemplate] = fields.ForeignKeyField(
        "models.TaskTemplate", related_name="dependencies", on_delete=fields.CASCADE
    )
    depends_on: fields.ForeignKeyRelation[TaskTemplate] = fields.ForeignKeyField(
        "models.TaskTemplate", related_name="dependents", on_delete=fields.CASCADE
    )

    template_id: int
    depends_on_id: int

    class Meta:
        table = "task_template_dependency"
        unique_together = (("template", "depends_on"),)
