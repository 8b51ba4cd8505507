"""The catalog: service specifications, how they relate, and the task templates they carry."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.enums import RelationshipType, SpecificationKind
from models.users import AssignmentGroup


class ServiceSpecification(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=128)
    kind = fields.CharEnumField(SpecificationKind, max_length=32)
    domain = fields.CharField(max_length=64)
    description = fields.TextField(default="")

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
    # Once a task of this template starts, its line item can no longer be cancelled or revised.
    point_of_no_return = fields.BooleanField(default=False)
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
