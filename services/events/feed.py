"""One local subscriber of the relay: a bounded queue of the events it asked for.

The relay hands every event to every feed without waiting, so a feed's queue must be bounded:
a subscriber that stops reading is closed the moment its queue is full, and its queue is
emptied, rather than let it hold the relay up or grow without end. The client can reconnect
with the cursor of the last event it got and replay the rest from the table.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from models import Event
from services.observability.metrics import DROPS

EventPredicate = Callable[[Event], bool]


@dataclass(frozen=True)
class Frontier:
    """What the relay had handed out when a feed joined: every id up to `high_water` except the
    `pending` gaps. Exactly those events reach the feed through a replay from the table, and
    every other one through the feed itself: no gap, no duplicate."""

    high_water: int
    pending: frozenset[int]


class FeedClosed(Exception):
    def __init__(self, reason: str, *, slow: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        # The subscriber fell behind (as opposed to the server shutting down).
        self.slow = slow


class Feed:
    def __init__(self, matches: EventPredicate, *, maxsize: int, frontier: Frontier) -> None:
        self.frontier = frontier
        self._matches = matches
        self._maxsize = maxsize
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=maxsize)
        self._closed: FeedClosed | None = None
        self._on_close: Callable[[FeedClosed], None] | None = None

    def on_close(self, callback: Callable[[FeedClosed], None]) -> None:
        """Call `callback` (once, synchronously) when the feed closes.

        A reader blocked elsewhere (writing to a client that stopped reading) would not see
        FeedClosed until it reads again; this lets its owner cut it off at once.
        """
        self._on_close = callback
        if self._closed is not None:
            callback(self._closed)

    @property
    def closed(self) -> bool:
        return self._closed is not None

    def offer(self, event: Event) -> bool:
        """Queue `event` if the feed wants it; False once the feed is closed (now or before)."""
        if self._closed is not None:
            return False
        if not self._matches(event):
            return True
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            DROPS.inc()
            self.close(
                FeedClosed(
                    f"subscriber too slow: {self._maxsize} events waiting; "
                    "reconnect with the last cursor received",
                    slow=True,
                )
            )
            return False
        return True

    def close(self, reason: FeedClosed) -> None:
        if self._closed is not None:
            return
        self._closed = reason
        self._drain()
        self._queue.put_nowait(None)  # wakes a reader waiting in get()
        if self._on_close is not None:
            self._on_close(reason)

    def _drain(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()

    async def get(self) -> Event:
        """The next event; raises FeedClosed once the feed is closed."""
        if self._closed is not None:
            self._drain()
            raise self._closed
        event = await self._queue.get()
        if event is None:
            assert self._closed is not None
            raise self._closed
        return event

    def qsize(self) -> int:
        return self._queue.qsize()
