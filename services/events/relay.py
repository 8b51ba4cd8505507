"""The relay: one per process, it reads committed events from the table and fans them out.

Delivery never depends on the broker. A hint (from the broker, or from this process's own
publisher) only wakes the relay early; every `catchup_interval` seconds it reads the table
anyway, so a hint that was lost, or a broker that is down, delays an event by at most one
interval and loses nothing. Reads are batched: however many hints arrive during a read, they
cause one more read, which takes everything committed since, `batch_size` rows at a time.

Events are read in id order past the high-water mark, together with the open gaps below it
(see services/events/gaps.py for why ids can commit out of order on PostgreSQL, and why we
track gaps). The relay hands each id out at most once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import cast

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from models import Event
from services.events.feed import EventPredicate, Feed, FeedClosed, Frontier
from services.events.gaps import GAP_TIMEOUT_SECONDS, Gaps
from services.observability.metrics import RELAY_EVENTS, RELAY_LAG

log = logging.getLogger(__name__)

# At start the relay cannot know which of the latest ids are still in flight: it treats the
# ids missing among this many below the newest as open gaps.
STARTUP_LOOKBACK_IDS = 1000
# The backlog is counted up to this many events: enough to see it grow, at a bounded cost.
BACKLOG_LIMIT = 10_000
_FAILURE_PAUSE_SECONDS = 1.0


class Relay:
    def __init__(
        self,
        *,
        catchup_interval: float,
        queue_size: int,
        batch_size: int = 500,
        gap_timeout: float = GAP_TIMEOUT_SECONDS,
    ) -> None:
        self.catchup_interval = catchup_interval
        self.queue_size = queue_size
        self._batch_size = batch_size
        self._gaps = Gaps(timeout=gap_timeout)
        self._high_water = 0
        self._feeds: set[Feed] = set()
        self._wakeup = asyncio.Event()
        self._reading = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    async def start(self) -> None:
        """Take the newest committed id as the starting point and begin reading."""
        await self._start_from_newest()
        self._task = asyncio.create_task(self._run(), name="event-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for feed in list(self._feeds):
            feed.close(FeedClosed("server shutting down; reconnect with the last cursor"))
        self._feeds.clear()

    def wake(self) -> None:
        """New events may have committed: read now instead of at the next catch-up."""
        self._wakeup.set()

    def subscribe(self, matches: EventPredicate, *, queue_size: int | None = None) -> Feed:
        # No await between taking the frontier and joining: no event can be handed out in
        # between, which is what makes the replay hand-over exact.
        feed = Feed(matches, maxsize=queue_size or self.queue_size, frontier=self.frontier())
        self._feeds.add(feed)
        return feed

    def unsubscribe(self, feed: Feed) -> None:
        self._feeds.discard(feed)

    def frontier(self) -> Frontier:
        return Frontier(self._high_water, self._gaps.ids())

    @property
    def subscriber_count(self) -> int:
        return len(self._feeds)

    async def poll(self) -> int:
        """Read and hand out everything committed since the last read; returns how many."""
        async with self._reading:
            handed_out = 0
            for expired in self._gaps.expire():
                log.warning("event id %s never committed in time; assumed rolled back", expired)
            while True:
                batch = await self._unread().limit(self._batch_size)
                for event in batch:
                    self._hand_out(event)
                handed_out += len(batch)
                if batch:
                    _observe_handed_out(batch)
                if len(batch) < self._batch_size:
                    return handed_out

    async def _start_from_newest(self) -> None:
        newest = cast(
            list[int], await Event.all().order_by("-id").limit(1).values_list("id", flat=True)
        )
        high_water = newest[0] if newest else 0
        recent = await Event.filter(id__gt=high_water - STARTUP_LOOKBACK_IDS).values_list(
            "id", flat=True
        )
        seen = set(cast(list[int], recent))
        lookback = range(max(1, high_water - STARTUP_LOOKBACK_IDS + 1), high_water)
        self._gaps.open([event_id for event_id in lookback if event_id not in seen])
        self._high_water = high_water

    async def backlog(self) -> int:
        """How many committed events this relay has not handed out yet (at most
        BACKLOG_LIMIT): the outbox's backlog, as this process sees it."""
        unread = await self._unread().limit(BACKLOG_LIMIT).values_list("id", flat=True)
        return len(unread)

    def _unread(self) -> QuerySet[Event]:
        newer = Q(id__gt=self._high_water)
        pending = self._gaps.ids()
        where = newer | Q(id__in=sorted(pending)) if pending else newer
        return Event.filter(where).order_by("id")

    def _hand_out(self, event: Event) -> None:
        # Synchronous on purpose: the frontier moves and the feeds receive in one step.
        if event.id > self._high_water:
            self._gaps.open(range(self._high_water + 1, event.id))
            self._high_water = event.id
        elif not self._gaps.close(event.id):
            return  # already handed out
        for feed in list(self._feeds):
            if not feed.offer(event):
                self._feeds.discard(feed)

    async def _run(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel that
            # races a wake-up, and stop() would then wait for ever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.catchup_interval):
                    await self._wakeup.wait()
            self._wakeup.clear()
            try:
                await self.poll()
            except Exception as error:
                # The database may be restarting; the events wait in the table. Logged once
                # (with its traceback) per outage, not once a second.
                if not self._failing:
                    log.exception("event relay cannot read the event table; retrying")
                else:
                    log.debug("event relay still cannot read the event table: %s", error)
                self._failing = True
                await asyncio.sleep(_FAILURE_PAUSE_SECONDS)
            else:
                if self._failing:
                    log.warning("event relay reads the event table again")
                self._failing = False


def _observe_handed_out(batch: list[Event]) -> None:
    RELAY_EVENTS.inc(len(batch))
    newest = batch[-1].occurred_at
    RELAY_LAG.set(max(0.0, (datetime.now(UTC) - newest).total_seconds()))
