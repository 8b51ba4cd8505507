"""The reconnect loop and health bookkeeping that every broker backend's listener shares.

A backend's listener task connects, listens until the connection fails, and starts over after a
backoff. Along the way its health is reported for `/readyz`, and each change (lost, back again)
is logged once rather than on every failed attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from services.events.backends.backoff import Backoff
from services.events.backends.status import BrokerStatus


class BrokerHealth:
    """One backend's broker health, as its listener task sees it.

    `broker` names the broker in log lines, `connection` the connection in the status detail;
    `lost` is the word the log uses for an outage. Log lines go to the backend's own logger.
    """

    def __init__(self, log: logging.Logger, *, broker: str, connection: str, lost: str) -> None:
        self._log = log
        self._broker = broker
        self._connection = connection
        self._lost_word = lost
        self._first_attempt = asyncio.Event()
        self._backoff = Backoff()
        self.status = BrokerStatus(False, f"{broker}: not connected yet")
        self._listener: asyncio.Task[None] | None = None

    async def start(
        self,
        listen: Callable[[], Awaitable[None]],
        errors: tuple[type[Exception], ...],
        on_lost: Callable[[], None],
        *,
        name: str,
        within: float,
    ) -> None:
        """Starts the listener task (`keep_listening`), and waits `within` seconds at most for its
        first attempt, so that a server starts with the broker's state known."""
        self._listener = asyncio.create_task(
            self.keep_listening(listen, errors, on_lost), name=name
        )
        await self.wait_for_first_attempt(within)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def wait_for_first_attempt(self, seconds: float) -> None:
        """Lets a server start with the broker's state known, not waiting on one that is down."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._first_attempt.wait()

    async def keep_listening(
        self,
        listen: Callable[[], Awaitable[None]],
        errors: tuple[type[Exception], ...],
        on_lost: Callable[[], None],
    ) -> None:
        """Runs `listen` again after each failure in `errors`, with backoff, until cancelled.

        `on_lost` forgets what the lost connection had confirmed.
        """
        while True:
            try:
                await listen()
            except errors as error:
                self.lost(error)
                on_lost()
            self._first_attempt.set()
            await asyncio.sleep(self._backoff.next_delay())

    def healthy(self) -> None:
        if self._first_attempt.is_set():
            self._log.warning("%s broker reachable again: push delivery resumes", self._broker)
        self.status = BrokerStatus(True, f"{self._connection}: connected")
        self._backoff.reset()
        self._first_attempt.set()

    def lost(self, error: Exception) -> None:
        if self.status.healthy or not self._first_attempt.is_set():
            self._log.warning(
                "%s broker %s (%s): delivery falls back to catch-up",
                self._broker,
                self._lost_word,
                error,
            )
        self.status = BrokerStatus(False, f"{self._connection}: {error or type(error).__name__}")
