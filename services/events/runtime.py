"""The events machinery of one server process: broker, relay and hint publisher, started and
stopped together by the server's lifespan.

server.py needs two things from here: `async with run_events(settings):` around the app's
life, and `broker_status()` for `/readyz`. Subscription resolvers reach the relay through
`current_relay()`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from broadcaster import Broadcast, BroadcastBackend

from services.events.backends import BrokerStatus, backend_for_url, status_of
from services.events.hints import HINT_CHANNEL, HintPublisher
from services.events.publisher import set_publisher
from services.events.relay import Relay
from services.settings import Settings

NOT_RUNNING = BrokerStatus(False, "the event relay is not running")


@dataclass(frozen=True)
class EventsRuntime:
    backend: BroadcastBackend
    broadcast: Broadcast
    relay: Relay
    hints: HintPublisher

    def broker_status(self) -> BrokerStatus:
        return status_of(self.backend)


_running: EventsRuntime | None = None


@asynccontextmanager
async def run_events(settings: Settings) -> AsyncIterator[EventsRuntime]:
    """Start this process's events machinery and install its hint publisher; undo it all after.

    Tortoise must be initialised first: the relay reads the event table from the start.
    """
    global _running
    async with events_runtime(settings) as runtime:
        previous = set_publisher(runtime.hints)
        _running = runtime
        try:
            yield runtime
        finally:
            _running = None
            set_publisher(previous)


@asynccontextmanager
async def events_runtime(settings: Settings) -> AsyncIterator[EventsRuntime]:
    """Broker, relay and hint publisher, connected and running, but not installed."""
    backend = backend_for_url(settings.broadcast_url)
    broadcast = Broadcast(backend=backend)
    relay = Relay(
        catchup_interval=settings.catchup_interval_seconds,
        queue_size=settings.subscriber_queue_size,
    )
    hints = HintPublisher(broadcast, wake_local=relay.wake)
    await broadcast.connect()
    listening = asyncio.Event()
    # Listen before the relay takes its starting point, so that no commit falls in between
    # unhinted (the catch-up would still find it, only later).
    forwarder = asyncio.create_task(_forward_hints(broadcast, relay, listening), name="hints-in")
    try:
        await _until_listening(listening, forwarder)
        await relay.start()
        hints.start()
        try:
            yield EventsRuntime(backend, broadcast, relay, hints)
        finally:
            await hints.stop()
            await relay.stop()
    finally:
        forwarder.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await forwarder
        await broadcast.disconnect()


async def _until_listening(listening: asyncio.Event, forwarder: asyncio.Task[None]) -> None:
    waiter = asyncio.create_task(listening.wait())
    await asyncio.wait({waiter, forwarder}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if forwarder.done():
        forwarder.result()  # raises whatever stopped it from subscribing


async def _forward_hints(broadcast: Broadcast, relay: Relay, listening: asyncio.Event) -> None:
    async with broadcast.subscribe(HINT_CHANNEL) as subscriber:
        listening.set()
        while True:
            await subscriber.get()
            relay.wake()


@asynccontextmanager
async def publishing_hints(settings: Settings) -> AsyncIterator[Broadcast]:
    """For a process that changes orders but serves no subscriber (`server.py worker`): its
    commits hint the servers' relays through the broker (yielded, for listening to theirs),
    and it runs no relay of its own."""
    broadcast = Broadcast(backend=backend_for_url(settings.broadcast_url))
    await broadcast.connect()
    hints = HintPublisher(broadcast, wake_local=lambda: None)
    hints.start()
    previous = set_publisher(hints)
    try:
        yield broadcast
    finally:
        set_publisher(previous)
        await hints.stop()
        await broadcast.disconnect()


def current_relay() -> Relay:
    if _running is None:
        raise RuntimeError("the event relay is not running (run_events was not entered)")
    return _running.relay


def running_relay() -> Relay | None:
    """This process's relay, or None when the events machinery is not running (metrics)."""
    return None if _running is None else _running.relay


def running_broadcast() -> Broadcast | None:
    """This process's broker connection, or None when the events machinery is not running."""
    return None if _running is None else _running.broadcast


def broker_status() -> BrokerStatus:
    """For /readyz: "degraded" while the broker is down (events still flow, by catch-up)."""
    return NOT_RUNNING if _running is None else _running.broker_status()
