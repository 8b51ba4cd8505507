"""The Subscription root (graphql-transport-ws on /graphql).

Each subscription delivers every matching change the subscriber may see, once and in order per
order. With `after:` (the cursor of the last event a client received) it first replays every
change since, then continues live with no gap and no duplicate.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Annotated

import strawberry

from resolvers.subscriptions import streams
from resolvers.subscriptions.fanout import LiveEvent
from schema.enums import JeopardyLevel
from schema.events import (
    FalloutEvent,
    FalloutEventFilter,
    ServiceOrderEvent,
    TaskEvent,
    TaskEventFilter,
)
from schema.info import Info

EventCursor = Annotated[
    str | None,
    strawberry.argument(
        description="The cursor of the last event received: every later one is replayed first."
    ),
]


@strawberry.type
class Subscription:
    @strawberry.subscription(graphql_type=TaskEvent)
    @staticmethod
    async def task_changed(
        info: Info,
        filter: TaskEventFilter | None = None,
        after: EventCursor = None,
    ) -> AsyncGenerator[LiveEvent, None]:
        where = filter or TaskEventFilter()
        events = streams.task_events(
            info.context,
            service_order_id=where.service_order_id,
            assignee_id=where.assignee_id,
            states=where.states,
            handlers=where.handlers,
            jeopardy_at_least=where.jeopardy_at_least,
            after=after,
        )
        async with aclosing(events):
            async for event in events:
                yield event

    @strawberry.subscription(graphql_type=FalloutEvent)
    @staticmethod
    async def fallout_changed(
        info: Info,
        filter: FalloutEventFilter | None = None,
        after: EventCursor = None,
    ) -> AsyncGenerator[LiveEvent, None]:
        where = filter or FalloutEventFilter()
        events = streams.fallout_events(
            info.context,
            service_order_id=where.service_order_id,
            assignee_id=where.assignee_id,
            states=where.states,
            after=after,
        )
        async with aclosing(events):
            async for event in events:
                yield event

    @strawberry.subscription(
        graphql_type=ServiceOrderEvent,
        description="Changes to one order's plan, or (without serviceOrderId) every order's.",
    )
    @staticmethod
    async def service_order_changed(
        info: Info,
        service_order_id: strawberry.ID | None = None,
        after: EventCursor = None,
        jeopardy_at_least: Annotated[
            JeopardyLevel | None,
            strawberry.argument(
                description="Only the order's jeopardy changes that reach this level or a "
                "higher one (`service_order.jeopardy_changed`), and nothing else."
            ),
        ] = None,
    ) -> AsyncGenerator[LiveEvent, None]:
        events = streams.service_order_events(
            info.context,
            service_order_id=service_order_id,
            jeopardy_at_least=jeopardy_at_least,
            after=after,
        )
        async with aclosing(events):
            async for event in events:
                yield event
