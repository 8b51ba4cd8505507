"""The three subscriptions: which events each follows, and the entity each event shows."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection
from dataclasses import replace
from enum import StrEnum

from tortoise.models import Model

from models import Event, ServiceOrder
from models.enums import JeopardyLevel
from resolvers.arguments import filter_id, user_filter
from resolvers.context import Context
from resolvers.subscriptions.fanout import LiveEvent, live_events
from resolvers.visibility import readable_order
from services.events.feed import EventPredicate
from services.events.filters import EventFilter
from services.events.kinds import EntityType

# Every payload of a task or fallout event names the assignee after the change (or null).
_ASSIGNEE_KEY = "assigneeId"
_HANDLER_KEY = "handler"


def task_events(
    context: Context,
    *,
    service_order_id: str | None,
    assignee_id: str | None,
    states: Collection[StrEnum] | None,
    handlers: Collection[str] | None = None,
    jeopardy_at_least: JeopardyLevel | None = None,
    after: str | None,
) -> AsyncGenerator[LiveEvent, None]:
    wanted = replace(
        _entity_filter(context, EntityType.TASK, service_order_id, assignee_id, states),
        jeopardy_at_least=jeopardy_at_least,
    )
    if handlers is not None:
        wanted = replace(wanted, also=_all_of(wanted.also, _of_handlers(frozenset(handlers))))
    return live_events(context, wanted, after, _load_task)


def fallout_events(
    context: Context,
    *,
    service_order_id: str | None,
    assignee_id: str | None,
    states: Collection[StrEnum] | None,
    after: str | None,
) -> AsyncGenerator[LiveEvent, None]:
    wanted = _entity_filter(context, EntityType.FALLOUT, service_order_id, assignee_id, states)
    return live_events(context, wanted, after, _load_fallout)


def service_order_events(
    context: Context,
    *,
    service_order_id: str | None,
    jeopardy_at_least: JeopardyLevel | None = None,
    after: str | None,
) -> AsyncGenerator[LiveEvent, None]:
    """Every change in an order's plan (its state, and the tasks that make its progress); with
    `jeopardy_at_least`, only the order's own jeopardy reaching that level."""
    wanted = EventFilter(
        entity_types=frozenset({EntityType.SERVICE_ORDER} if jeopardy_at_least else ()),
        service_order_id=filter_id(service_order_id, ServiceOrder, field="serviceOrderId"),
        jeopardy_at_least=jeopardy_at_least,
        also=lambda event: event.service_order_id is not None,
    )
    return live_events(context, wanted, after, _load_order)


def _entity_filter(
    context: Context,
    entity_type: EntityType,
    service_order_id: str | None,
    assignee_id: str | None,
    states: Collection[StrEnum] | None,
) -> EventFilter:
    assignee = user_filter(context, assignee_id, field="assigneeId")
    return EventFilter(
        entity_types=frozenset({entity_type}),
        service_order_id=filter_id(service_order_id, ServiceOrder, field="serviceOrderId"),
        new_states=frozenset(state.value for state in states or ()),
        also=None if assignee is None else _assigned_to(assignee),
    )


def _of_handlers(handlers: frozenset[str]) -> EventPredicate:
    # Every task event names the task's handler (null for a manual task).
    return lambda event: event.payload.get(_HANDLER_KEY) in handlers


def _all_of(first: EventPredicate | None, second: EventPredicate) -> EventPredicate:
    if first is None:
        return second
    return lambda event: first(event) and second(event)


def _assigned_to(user_id: int) -> EventPredicate:
    return lambda event: event.payload.get(_ASSIGNEE_KEY) == user_id


async def _load_task(context: Context, event: Event) -> Model | None:
    return await context.loaders.task.load(event.entity_id)


async def _load_fallout(context: Context, event: Event) -> Model | None:
    return await context.loaders.fallout.load(event.entity_id)


async def _load_order(context: Context, event: Event) -> Model | None:
    assert event.service_order_id is not None  # the filter lets no other event through
    return await readable_order(context, event.service_order_id)
