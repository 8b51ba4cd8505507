"""Fallout records: a task that could not go on, and how it was resolved."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers import people, viewer_permissions
from resolvers.plan import Now
from resolvers.visibility import readable_order
from schema.enums import FalloutAction, FalloutState, FalloutType, Priority
from schema.info import Info
from schema.node import Node, node_type
from schema.types.people import HIDDEN_USERS, User
from schema.types.permissions import FalloutPermissions
from schema.types.tasks import Task
from services import permissions

if TYPE_CHECKING:
    from schema.types.orders import ServiceOrder

ServiceOrderType = Annotated["ServiceOrder", strawberry.lazy("schema.types.orders")]


@strawberry.type(description="How a fallout was resolved.")
class FalloutResolution:
    resolved_at: datetime | None

    @strawberry.field
    @staticmethod
    def action(root: models.FalloutRecord) -> FalloutAction | None:
        return root.resolution_action

    @strawberry.field
    @staticmethod
    def note(root: models.FalloutRecord) -> str | None:
        return root.resolution_note

    @strawberry.field(graphql_type=User | None, description=HIDDEN_USERS)
    @staticmethod
    def resolved_by(root: models.FalloutRecord, info: Info) -> Now[models.User | None]:
        return people.readable_user(info.context, root.resolved_by_id)


@node_type(
    models.FalloutRecord, description="A task that could not be completed, and its follow-up."
)
class FalloutRecord(Node):
    number: str
    type: FalloutType
    description: str
    priority: Priority
    state: FalloutState
    version: int
    created_at: datetime
    updated_at: datetime

    @strawberry.field(graphql_type=Task)
    @staticmethod
    async def task(root: models.FalloutRecord, info: Info) -> models.Task | None:
        return await info.context.loaders.task_in_order(root.service_order_id, root.task_id)

    @strawberry.field(graphql_type=ServiceOrderType | None)
    @staticmethod
    async def service_order(root: models.FalloutRecord, info: Info) -> models.ServiceOrder | None:
        return await readable_order(info.context, root.service_order_id)

    @strawberry.field(graphql_type=User | None, description=HIDDEN_USERS)
    @staticmethod
    def assignee(root: models.FalloutRecord, info: Info) -> Now[models.User | None]:
        return people.readable_user(info.context, root.assignee_id)

    @strawberry.field(graphql_type=User | None, description=HIDDEN_USERS)
    @staticmethod
    def created_by(root: models.FalloutRecord, info: Info) -> Now[models.User | None]:
        return people.readable_user(info.context, root.created_by_id)

    @strawberry.field(graphql_type=FalloutResolution | None, description="Null until resolved.")
    @staticmethod
    def resolution(root: models.FalloutRecord) -> models.FalloutRecord | None:
        return root if root.resolution_action is not None else None

    @strawberry.field(graphql_type=FalloutPermissions, description="What you may do to it now.")
    @staticmethod
    def viewer_can(root: models.FalloutRecord, info: Info) -> Now[permissions.FalloutPermissions]:
        return viewer_permissions.fallout_permissions(info.context, root)
