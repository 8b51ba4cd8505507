"""A subscriber's stream of events: the replay after its cursor, then the live events.

The hand-over is exact because the feed joins the relay first and records the relay's frontier
at that instant (services/events/feed.py, Frontier): the replay reads from the table exactly
the events the relay had already handed out (after the cursor, up to the high-water mark, less
the open gaps), and the feed brings every other one. Nothing is read twice and nothing falls
between. Live events wait in the feed's bounded queue while the replay runs.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable

from models import Event, User
from services.errors import ValidationError
from services.events.feed import Feed, FeedClosed
from services.events.filters import EventFilter
from services.events.relay import Relay
from services.events.visibility import EventVisibility
from services.policy import Action, require

REPLAY_PAGE_SIZE = 500


class EventStream(AsyncIterator[Event]):
    """Every event a subscriber asked for and may see. Close it with `aclose()`; it ends with
    FeedClosed if the subscriber falls too far behind or the server stops."""

    def __init__(self, relay: Relay, actor: User, wanted: EventFilter, after: int | None) -> None:
        self._relay = relay
        self._wanted = wanted
        self._after = after
        self._visibility = EventVisibility(actor)
        # Joined now, not on the first read: "live" starts when the client subscribed.
        self._feed = relay.subscribe(wanted.matches)
        self._events = self._generate()

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> Event:
        return await anext(self._events)

    def on_close(self, callback: Callable[[FeedClosed], None]) -> None:
        """See Feed.on_close: to cut off a subscriber that is blocked elsewhere."""
        self._feed.on_close(callback)

    async def aclose(self) -> None:
        self._relay.unsubscribe(self._feed)
        await self._events.aclose()

    async def _generate(self) -> AsyncGenerator[Event, None]:
        if self._after is not None:
            await _check_issued(self._after)
            async for event in _replay(self._feed, self._wanted, self._after):
                if await self._visibility.allows(event):
                    yield event
        while True:
            event = await self._feed.get()
            # A relay that lags behind the cursor (one handed out by another process) still
            # hands out events the client has seen: they are not delivered twice.
            if self._after is not None and event.id <= self._after:
                continue
            if await self._visibility.allows(event):
                yield event


def event_stream(
    relay: Relay, actor: User, wanted: EventFilter, *, after: int | None = None
) -> EventStream:
    """The events matching `wanted` that `actor` may see: those after the event id `after`
    first (if given), then each new one as it commits."""
    require(actor, Action.SUBSCRIBE)
    return EventStream(relay, actor, wanted, after)


async def _check_issued(after: int) -> None:
    """A cursor past the newest event was never issued (every cursor a client received names
    a committed event): refused, rather than a subscription that waits for an event id that
    may never come and then skips every event before it."""
    if after > 0 and not await Event.filter(id__gte=after).exists():
        raise ValidationError("The cursor is past the newest event.", field="after")


async def _replay(feed: Feed, wanted: EventFilter, after: int) -> AsyncIterator[Event]:
    frontier = feed.frontier
    last = after
    while last < frontier.high_water and not feed.closed:
        query = Event.filter(id__gt=last, id__lte=frontier.high_water)
        if frontier.pending:
            query = query.exclude(id__in=sorted(frontier.pending))
        page = await wanted.narrow(query).order_by("id").limit(REPLAY_PAGE_SIZE)
        for event in page:
            if wanted.matches(event):
                yield event
        if len(page) < REPLAY_PAGE_SIZE:
            return
        last = page[-1].id
