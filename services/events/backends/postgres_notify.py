"""A broadcaster backend on PostgreSQL LISTEN/NOTIFY that survives a lost connection.

broadcaster 0.3.1's own Postgres backend LISTENs and NOTIFYs on one connection and never notices
when that connection dies. Here the LISTEN connection is dedicated and owned by one task, which
checks it on an interval and, once it is lost, reconnects with backoff and LISTENs again; NOTIFY
goes through a second connection, opened again after any failure. A failed publish raises, for
the caller to log: a hint is best-effort.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg
from broadcaster import BroadcastBackend, Event

from services.events.backends.health import BrokerHealth
from services.events.backends.status import BrokerStatus

log = logging.getLogger(__name__)

_CONNECTION_ERRORS = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)


class PostgresNotifyBackend(BroadcastBackend):
    def __init__(self, url: str, *, check_interval: float = 2.0, timeout: float = 2.0) -> None:
        # BroadcastBackend.__init__ only raises NotImplementedError: not called on purpose.
        self._url = url
        self._check_interval = check_interval
        self._timeout = timeout
        self._wanted: set[str] = set()
        self._confirmed: set[str] = set()
        self._confirmations = asyncio.Condition()
        # Set on a change of subscriptions and when the server ends the LISTEN connection.
        self._nudge = asyncio.Event()
        self._received: asyncio.Queue[Event] = asyncio.Queue()
        self._health = BrokerHealth(
            log, broker="PostgreSQL", connection="PostgreSQL LISTEN", lost="lost"
        )
        self._listener_pid: int | None = None
        self._notifier: Any = None  # asyncpg.Connection, opened on first publish
        self._notify_lock = asyncio.Lock()

    def status(self) -> BrokerStatus:
        return self._health.status

    @property
    def listener_pid(self) -> int | None:
        """The server process of the LISTEN connection, while there is one."""
        return self._listener_pid

    async def connect(self) -> None:
        await self._health.start(
            self._listen,
            (*_CONNECTION_ERRORS, TimeoutError),
            self._forget_confirmed,
            name="postgres-listener",
            within=self._timeout,
        )

    async def disconnect(self) -> None:
        await self._health.stop()
        async with self._notify_lock:
            await self._drop_notifier()

    async def subscribe(self, channel: str) -> None:
        self._wanted.add(channel)
        self._nudge.set()
        if not self._health.status.healthy:
            return  # the listener LISTENs once the database is back
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._timeout), self._confirmations:
                await self._confirmations.wait_for(lambda: channel in self._confirmed)

    async def unsubscribe(self, channel: str) -> None:
        self._wanted.discard(channel)
        self._nudge.set()

    async def publish(self, channel: str, message: Any) -> None:
        async with self._notify_lock:
            try:
                if self._notifier is None or self._notifier.is_closed():
                    self._notifier = await asyncpg.connect(self._url, timeout=self._timeout)
                await self._notifier.execute(
                    "SELECT pg_notify($1, $2)", channel, str(message), timeout=self._timeout
                )
            except (*_CONNECTION_ERRORS, TimeoutError):
                await self._drop_notifier()
                raise

    async def next_published(self) -> Event:
        return await self._received.get()

    async def _listen(self) -> None:
        connection = await asyncpg.connect(self._url, timeout=self._timeout)
        connection.add_termination_listener(lambda _connection: self._nudge.set())
        self._listener_pid = connection.get_server_pid()
        listening: set[str] = set()
        try:
            while True:
                listening = await self._sync_listening(connection, listening)
                # Proves the connection both ways; a dead peer fails here within the timeout.
                await connection.fetchval("SELECT 1", timeout=self._timeout)
                if not self._health.status.healthy:
                    self._health.healthy()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._check_interval):
                        await self._nudge.wait()
                self._nudge.clear()
        finally:
            # The session and its LISTENs go with the socket; a polite close could wait on a
            # dead peer.
            connection.terminate()
            self._listener_pid = None

    async def _sync_listening(self, connection: Any, listening: set[str]) -> set[str]:
        wanted = set(self._wanted)
        for channel in sorted(wanted - listening):
            await connection.add_listener(channel, self._on_notification)
        for channel in sorted(listening - wanted):
            await connection.remove_listener(channel, self._on_notification)
        async with self._confirmations:
            self._confirmed = set(wanted)
            self._confirmations.notify_all()
        return wanted

    def _on_notification(self, _connection: Any, _pid: int, channel: str, payload: str) -> None:
        self._received.put_nowait(Event(channel=channel, message=payload))

    async def _drop_notifier(self) -> None:
        notifier, self._notifier = self._notifier, None
        if notifier is not None:
            notifier.terminate()

    def _forget_confirmed(self) -> None:
        self._confirmed = set()
