"""Mutation payloads: the changed object (null on failure) and the user errors.

Every payload is a `MutationPayload` that adds the one field showing its object;
`perform_mutation` (schema/mutations/perform.py) is the one place that builds them.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

import models
from schema.errors import UserError
from schema.types.automation import LockedTask
from schema.types.fallouts import FalloutRecord
from schema.types.orders import ServiceOrder
from schema.types.people import User
from schema.types.tasks import Task
from services.automation import LockedTask as LockedTaskData

T = TypeVar("T")


@strawberry.type
class MutationPayload(Generic[T]):
    result: strawberry.Private[T | None]
    errors: strawberry.Private[list[UserError]]

    @strawberry.field(description="Why nothing changed; empty when the mutation succeeded.")
    def user_errors(self) -> list[UserError]:
        return self.errors


@strawberry.type
class ServiceOrderPayload(MutationPayload[models.ServiceOrder]):
    @strawberry.field(graphql_type=ServiceOrder | None)
    def service_order(self) -> models.ServiceOrder | None:
        return self.result


@strawberry.type
class TaskPayload(MutationPayload[models.Task]):
    @strawberry.field(graphql_type=Task | None)
    def task(self) -> models.Task | None:
        return self.result


@strawberry.type
class FetchAndLockTasksPayload(MutationPayload[list[LockedTaskData]]):
    @strawberry.field(
        graphql_type=list[LockedTask],
        description="Oldest first; empty when none is due (or on failure).",
    )
    def tasks(self) -> list[LockedTask]:
        return [LockedTask(data=data) for data in self.result or []]


@strawberry.type
class FalloutPayload(MutationPayload[models.FalloutRecord]):
    @strawberry.field(graphql_type=FalloutRecord | None)
    def fallout(self) -> models.FalloutRecord | None:
        return self.result


@strawberry.type
class DemoSignInPayload(MutationPayload[tuple[models.User, str]]):
    """`result` is the demo user and their token (services/auth/demo.py)."""

    @strawberry.field(description="Send it as `Authorization: Bearer <token>`.")
    def token(self) -> str | None:
        return None if self.result is None else self.result[1]

    @strawberry.field(graphql_type=User | None)
    def user(self) -> models.User | None:
        return None if self.result is None else self.result[0]
