"""What the subscriptions deliver: one change each, with the object it changed, and the
filters that choose them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

import models
from resolvers import people
from resolvers.plan import Now
from resolvers.subscriptions.fanout import LiveEvent
from schema.enums import FalloutState, JeopardyLevel, TaskState
from schema.info import Info
from schema.types.fallouts import FalloutRecord
from schema.types.orders import ServiceOrder
from schema.types.people import HIDDEN_USERS, User
from schema.types.tasks import Task
from services.events.cursor import encode_cursor


def _about(
    model: type[models.Task | models.FalloutRecord | models.ServiceOrder],
) -> Callable[[object, object], bool]:
    def is_type_of(obj: object, _info: object) -> bool:
        return isinstance(obj, LiveEvent) and isinstance(obj.entity, model)

    return is_type_of


@strawberry.interface(description="One change from the event history, delivered live.")
class ChangeEvent:
    @strawberry.field(
        description="Subscribe again with `after:` this cursor to get every later change."
    )
    @staticmethod
    def cursor(root: LiveEvent) -> str:
        return encode_cursor(root.event.id)

    @strawberry.field(description="`<entity>.<verb>`, e.g. `task.completed`.")
    @staticmethod
    def kind(root: LiveEvent) -> str:
        return root.event.kind

    @strawberry.field
    @staticmethod
    def occurred_at(root: LiveEvent) -> datetime:
        return root.event.occurred_at

    @strawberry.field(
        graphql_type=User | None, description=f"Null for the system's own steps. {HIDDEN_USERS}"
    )
    @staticmethod
    def actor(root: LiveEvent, info: Info) -> Now[models.User | None]:
        return people.readable_user(info.context, root.event.actor_id)

    @strawberry.field(description="What the change recorded: number, state, note, reason…")
    @staticmethod
    def payload(root: LiveEvent) -> JSON:
        return JSON(root.event.payload)

    @strawberry.field(
        description="The jeopardy level a `*.jeopardy_changed` event reached; null for other "
        "changes (the entity shows its level as it is now)."
    )
    @staticmethod
    def jeopardy(root: LiveEvent) -> JeopardyLevel | None:
        return _level(root.event.payload.get("jeopardy"))

    @strawberry.field(description="The level before a `*.jeopardy_changed` event.")
    @staticmethod
    def previous_jeopardy(root: LiveEvent) -> JeopardyLevel | None:
        return _level(root.event.payload.get("previousJeopardy"))


def _level(value: object) -> JeopardyLevel | None:
    return JeopardyLevel(value) if isinstance(value, str) else None


@strawberry.type(description="A change to a task; `task` is the task as it is now.")
class TaskEvent(ChangeEvent):
    is_type_of = _about(models.Task)

    @strawberry.field
    @staticmethod
    def previous_state(root: LiveEvent) -> TaskState | None:
        state = root.event.previous_state
        return None if state is None else TaskState(state)

    @strawberry.field
    @staticmethod
    def new_state(root: LiveEvent) -> TaskState | None:
        state = root.event.new_state
        return None if state is None else TaskState(state)

    @strawberry.field(graphql_type=Task)
    @staticmethod
    def task(root: LiveEvent) -> models.Task:
        assert isinstance(root.entity, models.Task)
        return root.entity


@strawberry.type(description="A change to a fallout record; `fallout` is the record as it is now.")
class FalloutEvent(ChangeEvent):
    is_type_of = _about(models.FalloutRecord)

    @strawberry.field(description="Null when the record was created.")
    @staticmethod
    def previous_state(root: LiveEvent) -> FalloutState | None:
        state = root.event.previous_state
        return None if state is None else FalloutState(state)

    @strawberry.field
    @staticmethod
    def new_state(root: LiveEvent) -> FalloutState | None:
        state = root.event.new_state
        return None if state is None else FalloutState(state)

    @strawberry.field(graphql_type=FalloutRecord)
    @staticmethod
    def fallout(root: LiveEvent) -> models.FalloutRecord:
        assert isinstance(root.entity, models.FalloutRecord)
        return root.entity


@strawberry.type(
    description="A change anywhere in an order's plan (the order itself, a line item, a domain "
    "order, a task, a fallout…), with the order as it is now: its state and progress."
)
class ServiceOrderEvent(ChangeEvent):
    is_type_of = _about(models.ServiceOrder)

    @strawberry.field(
        description="What changed: `service_order`, `line_item`, `domain_order`, "
        "`sold_product`, `task` or `fallout` (the start of `kind`)."
    )
    @staticmethod
    def entity_type(root: LiveEvent) -> str:
        return root.event.entity_type

    @strawberry.field(description="The state of what changed, before (of `entityType`).")
    @staticmethod
    def previous_state(root: LiveEvent) -> str | None:
        return root.event.previous_state

    @strawberry.field(description="The state of what changed, after (of `entityType`).")
    @staticmethod
    def new_state(root: LiveEvent) -> str | None:
        return root.event.new_state

    @strawberry.field(graphql_type=ServiceOrder)
    @staticmethod
    def service_order(root: LiveEvent) -> models.ServiceOrder:
        assert isinstance(root.entity, models.ServiceOrder)
        return root.entity


@strawberry.input(description="Every field is optional; the ones given must all match.")
class TaskEventFilter:
    service_order_id: strawberry.ID | None = None
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description='Tasks assigned (after the change) to this user id, or "me".'
    )
    states: list[TaskState] | None = strawberry.field(
        default=None, description="Changes that left the task in one of these states."
    )
    handlers: list[str] | None = strawberry.field(
        default=None,
        description="Automated tasks of these handler topics. A worker that subscribes with "
        "`{handlers: [...], states: [READY]}` hears of work at once, and need poll "
        "fetchAndLockTasks only as a safety net.",
    )
    jeopardy_at_least: JeopardyLevel | None = strawberry.field(
        default=None,
        description="Only the tasks' jeopardy changes that reach this level or a higher one "
        "(`task.jeopardy_changed`), and nothing else.",
    )


@strawberry.input(description="Every field is optional; the ones given must all match.")
class FalloutEventFilter:
    service_order_id: strawberry.ID | None = None
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description='Fallouts assigned (after the change) to this user id, or "me".'
    )
    states: list[FalloutState] | None = strawberry.field(
        default=None, description="Changes that left the fallout in one of these states."
    )
