"""A subscription's events as the schema shows them: each with its entity, read afresh (with
the event's other subscribers) and shown with the subscriber's permissions when the event is
delivered."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass

from tortoise.models import Model

from models import Event
from resolvers.context import Context
from resolvers.errors import invalid_argument
from resolvers.subscriptions.cut_off import cut_off_when_closed
from resolvers.subscriptions.shared import EventShare, share_of
from services.errors import DomainError
from services.events.cursor import decode_cursor
from services.events.feed import FeedClosed
from services.events.filters import EventFilter
from services.events.runtime import current_relay
from services.events.stream import event_stream

EntityLoader = Callable[[Context, Event], Awaitable[Model | None]]


@dataclass(frozen=True)
class LiveEvent:
    event: Event
    # The object that changed (for serviceOrderChanged: the order it belongs to), as it is now.
    entity: Model
    # What this event's other subscribers in this process share with this one: its reads and
    # renderings (resolvers/subscriptions/shared.py).
    share: EventShare


async def live_events(
    context: Context, wanted: EventFilter, after: str | None, load_entity: EntityLoader
) -> AsyncGenerator[LiveEvent, None]:
    try:
        after_id = None if after is None else decode_cursor(after, field="after")
        stream = event_stream(current_relay(), context.actor, wanted, after=after_id)
    except DomainError as error:
        raise invalid_argument(error) from error
    cut_off_when_closed(stream, context)
    try:
        async for event in stream:
            # A websocket's context lives as long as the socket: each event reads afresh,
            # through the loaders that all its subscribers in this process share.
            share = share_of(event)
            context.loaders = share.loaders
            entity = await load_entity(context, event)
            if entity is not None:
                yield LiveEvent(event, entity, share)
    except FeedClosed:
        return  # the socket is being closed with the reason (cut_off.py)
    finally:
        await stream.aclose()
