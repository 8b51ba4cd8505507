"""Fulfillment tasks and their finish-to-start dependencies."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers.visibility import readable_order
from schema.enums import Priority, TaskState
from schema.info import Info
from schema.node import Node, shows
from schema.types.domain_orders import DomainOrder
from schema.types.people import AssignmentGroup, User

if TYPE_CHECKING:
    from schema.types.fallouts import FalloutRecord
    from schema.types.orders import ServiceOrder

FalloutRecordType = Annotated["FalloutRecord", strawberry.lazy("schema.types.fallouts")]
ServiceOrderType = Annotated["ServiceOrder", strawberry.lazy("schema.types.orders")]
TaskType = Annotated["Task", strawberry.lazy("schema.types.tasks")]


@strawberry.type(description="A piece of work an agent starts and completes.")
class Task(Node):
    is_type_of = shows(models.Task)

    number: str
    name: str
    state: TaskState
    priority: Priority
    due_at: datetime | None
    expected_duration_minutes: int
    attempts: int = strawberry.field(description="How many times the task was started.")
    version: int = strawberry.field(description="Goes up by one on every change.")
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None

    @strawberry.field(graphql_type=AssignmentGroup)
    @staticmethod
    async def assignment_group(root: models.Task, info: Info) -> models.AssignmentGroup | None:
        return await info.context.loaders.group.load(root.assignment_group_id)

    @strawberry.field(graphql_type=User | None)
    @staticmethod
    async def assignee(root: models.Task, info: Info) -> models.User | None:
        if root.assignee_id is None:
            return None
        return await info.context.loaders.user.load(root.assignee_id)

    @strawberry.field(
        graphql_type=list[TaskType], description="Tasks that must be done before this one starts."
    )
    @staticmethod
    async def depends_on(root: models.Task, info: Info) -> list[models.Task]:
        links = await info.context.loaders.task_links_by_order.load(root.service_order_id)
        return await _tasks(info, links.depends_on.get(root.id, []))

    @strawberry.field(graphql_type=list[TaskType], description="Tasks that wait for this one.")
    @staticmethod
    async def dependents(root: models.Task, info: Info) -> list[models.Task]:
        links = await info.context.loaders.task_links_by_order.load(root.service_order_id)
        return await _tasks(info, links.dependents.get(root.id, []))

    @strawberry.field(graphql_type=DomainOrder)
    @staticmethod
    async def domain_order(root: models.Task, info: Info) -> models.DomainOrder | None:
        plan = await info.context.loaders.domain_orders_by_order.load(root.service_order_id)
        return plan.by_id.get(root.domain_order_id)

    @strawberry.field(graphql_type=ServiceOrderType | None)
    @staticmethod
    async def service_order(root: models.Task, info: Info) -> models.ServiceOrder | None:
        return await readable_order(info.context, root.service_order_id)

    @strawberry.field(graphql_type=list[FalloutRecordType], description="Newest first.")
    @staticmethod
    async def fallouts(root: models.Task, info: Info) -> list[models.FalloutRecord]:
        found = await info.context.loaders.fallouts_by_order.load(root.service_order_id)
        return found.by_task.get(root.id, [])


async def _tasks(info: Info, ids: list[int]) -> list[models.Task]:
    found = await info.context.loaders.task.load_many(ids)
    return [task for task in found if task is not None]
