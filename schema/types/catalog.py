"""The catalog: specifications, how they relate, the task templates they carry."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

import models
from schema.enums import RelationshipType, SpecificationKind, TaskKind
from schema.info import Info
from schema.node import Node, node_type
from schema.types.people import AssignmentGroup

SpecificationRelationshipType = Annotated[
    "SpecificationRelationship", strawberry.lazy("schema.types.catalog")
]
TaskTemplateType = Annotated["TaskTemplate", strawberry.lazy("schema.types.catalog")]


@node_type(
    models.ServiceSpecification,
    description="What an order can ask for, and what fulfilling it takes.",
)
class ServiceSpecification(Node):
    code: str
    name: str
    kind: SpecificationKind
    domain: str = strawberry.field(description="The fulfillment domain that delivers it.")
    description: str

    @strawberry.field(graphql_type=list[SpecificationRelationshipType])
    @staticmethod
    async def relationships(
        root: models.ServiceSpecification, info: Info
    ) -> list[models.SpecificationRelationship]:
        return await info.context.loaders.relationships_by_specification.load(root.id)

    @strawberry.field(graphql_type=list[TaskTemplateType])
    @staticmethod
    async def task_templates(
        root: models.ServiceSpecification, info: Info
    ) -> list[models.TaskTemplate]:
        return await info.context.loaders.task_templates_by_specification.load(root.id)


@strawberry.type(
    description="BUNDLES, REALIZED_AS and REQUIRES make a domain order for the target at "
    "decomposition; COMPOSED_OF does not."
)
class SpecificationRelationship:
    type: RelationshipType
    quantity: int
    exclude_characteristic: str | None = strawberry.field(
        description="The target is left out when the line item's characteristic of this "
        "name has one of `excludeValues`."
    )
    exclude_values: JSON | None

    @strawberry.field(graphql_type=ServiceSpecification)
    @staticmethod
    async def target(
        root: models.SpecificationRelationship, info: Info
    ) -> models.ServiceSpecification | None:
        return await info.context.loaders.specification.load(root.target_id)


@node_type(models.TaskTemplate, description="A task every domain order of its specification gets.")
class TaskTemplate(Node):
    code: str
    name: str
    expected_duration_minutes: int
    kind: TaskKind
    # The automation policy (catalog/README.md, Automated tasks); meaningful when AUTOMATED.
    max_attempts: int = strawberry.field(description="Attempts before a fallout holds a task.")
    backoff_seconds: int = strawberry.field(
        description="The wait after the first failed attempt; it doubles after each one."
    )
    backoff_max_seconds: int = strawberry.field(description="The cap of that wait.")
    lock_seconds: int = strawberry.field(description="The longest lock a worker gets at a time.")

    @strawberry.field(description="AUTOMATED: the topic of the workers that do its tasks.")
    @staticmethod
    def handler(root: models.TaskTemplate) -> str | None:
        return root.handler

    @strawberry.field(
        description="Starting a task of it (or completing one without a start, by a fallout's "
        "resolution) passes its line item's point of no return: the item can no longer be "
        "cancelled or revised."
    )
    @staticmethod
    def is_point_of_no_return(root: models.TaskTemplate) -> bool:
        return root.point_of_no_return

    @strawberry.field(
        graphql_type=TaskTemplateType | None,
        description="The template (of the same specification) whose task undoes a completed "
        "task of this one when its line item is cancelled. A template named so is planned for "
        "no action of its own.",
    )
    @staticmethod
    async def compensated_by(root: models.TaskTemplate, info: Info) -> models.TaskTemplate | None:
        if root.compensated_by_id is None:
            return None
        return await info.context.loaders.task_template.load(root.compensated_by_id)

    @strawberry.field(graphql_type=AssignmentGroup)
    @staticmethod
    async def assignment_group(
        root: models.TaskTemplate, info: Info
    ) -> models.AssignmentGroup | None:
        return await info.context.loaders.group.load(root.assignment_group_id)

    @strawberry.field(
        graphql_type=list[TaskTemplateType],
        description="Templates of the same specification that must be done first.",
    )
    @staticmethod
    async def depends_on(root: models.TaskTemplate, info: Info) -> list[models.TaskTemplate]:
        loaders = info.context.loaders
        links = await loaders.template_links_by_specification.load(root.specification_id)
        found = await loaders.task_template.load_many(links.depends_on.get(root.id, []))
        return [template for template in found if template is not None]
