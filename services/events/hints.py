"""The publisher the server installs: after a commit, a short hint that new events exist.

The hint carries nothing the relays need (they read the events from the table), so it can be
lost without losing anything, and it is sent off the request path: `publish` wakes this
process's relay at once and flags a hint for a background sender, so a slow or dead broker
never holds up, or fails, a mutation. Commits that land while a hint is being sent are covered
by the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from broadcaster import Broadcast

from models import Event

log = logging.getLogger(__name__)

HINT_CHANNEL = "sof_events"
HINT_MESSAGE = "new-events"


class HintPublisher:
    def __init__(
        self, broadcast: Broadcast, *, wake_local: Callable[[], None], timeout: float = 2.0
    ) -> None:
        self._broadcast = broadcast
        self._wake_local = wake_local
        self._timeout = timeout
        self._pending = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        self._failing = False
        self.sent = 0
        self.failed = 0

    async def publish(self, events: Sequence[Event]) -> None:
        if not events:
            return
        self._wake_local()
        self._pending.set()

    def start(self) -> None:
        self._sender = asyncio.create_task(self._send_forever(), name="event-hints")

    async def stop(self) -> None:
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
            self._sender = None

    async def _send_forever(self) -> None:
        while True:
            await self._pending.wait()
            self._pending.clear()
            await self._send()

    async def _send(self) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                await self._broadcast.publish(HINT_CHANNEL, HINT_MESSAGE)
        except Exception as error:
            # Best-effort: other processes' relays find the events at their next catch-up.
            self.failed += 1
            if not self._failing:
                log.warning("could not publish an event hint (%s); catch-up will deliver", error)
            self._failing = True
            return
        self.sent += 1
        if self._failing:
            log.warning("event hints are being published again")
        self._failing = False
