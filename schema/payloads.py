"""Mutation payloads: the changed object (null on failure) and the user errors."""

from __future__ import annotations

from typing import TypeVar

import strawberry

import models
from resolvers.demo import DemoSession
from resolvers.mutations.outcome import Outcome
from schema.errors import UserError
from schema.types.fallouts import FalloutRecord
from schema.types.orders import ServiceOrder
from schema.types.people import User
from schema.types.tasks import Task

T = TypeVar("T")


def _user_errors(outcome: Outcome[T]) -> list[UserError]:
    return [UserError.of(error) for error in outcome.errors]


@strawberry.type
class ServiceOrderPayload:
    outcome: strawberry.Private[Outcome[models.ServiceOrder]]

    @strawberry.field(graphql_type=ServiceOrder | None)
    def service_order(self) -> models.ServiceOrder | None:
        return self.outcome.value

    @strawberry.field
    def user_errors(self) -> list[UserError]:
        return _user_errors(self.outcome)


@strawberry.type
class TaskPayload:
    outcome: strawberry.Private[Outcome[models.Task]]

    @strawberry.field(graphql_type=Task | None)
    def task(self) -> models.Task | None:
        return self.outcome.value

    @strawberry.field
    def user_errors(self) -> list[UserError]:
        return _user_errors(self.outcome)


@strawberry.type
class FalloutPayload:
    outcome: strawberry.Private[Outcome[models.FalloutRecord]]

    @strawberry.field(graphql_type=FalloutRecord | None)
    def fallout(self) -> models.FalloutRecord | None:
        return self.outcome.value

    @strawberry.field
    def user_errors(self) -> list[UserError]:
        return _user_errors(self.outcome)


@strawberry.type
class DemoSignInPayload:
    outcome: strawberry.Private[Outcome[DemoSession]]

    @strawberry.field(description="Send it as `Authorization: Bearer <token>`.")
    def token(self) -> str | None:
        return self.outcome.value.token if self.outcome.value else None

    @strawberry.field(graphql_type=User | None)
    def user(self) -> models.User | None:
        return self.outcome.value.user if self.outcome.value else None

    @strawberry.field
    def user_errors(self) -> list[UserError]:
        return _user_errors(self.outcome)
