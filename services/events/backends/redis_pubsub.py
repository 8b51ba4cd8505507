"""A broadcaster backend on Redis pub/sub that survives a broker restart.

broadcaster 0.3.1's own `redis://` backend starts reading before its first SUBSCRIBE is sent;
with redis-py 8 that reader finds no subscription, ends, and nothing is ever delivered. Here one
task owns the listening connection: it connects, subscribes to every wanted channel, reads,
pings, and on any failure (or silence past the ping deadline) drops the connection, waits with
backoff and starts over, subscribing again. Publishing goes through a separate client, and its
failures are the caller's to log: a hint is best-effort.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from broadcaster import BroadcastBackend, Event
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from services.events.backends.health import BrokerHealth
from services.events.backends.status import BrokerStatus

log = logging.getLogger(__name__)

# How long one read waits before the listener looks at its subscriptions and ping deadline again.
_READ_SLICE_SECONDS = 0.2


class RedisPubSubBackend(BroadcastBackend):
    def __init__(self, url: str, *, ping_interval: float = 2.0, timeout: float = 2.0) -> None:
        # BroadcastBackend.__init__ only raises NotImplementedError: not called on purpose.
        self._url = url
        self._ping_interval = ping_interval
        self._timeout = timeout
        self._wanted: set[str] = set()
        self._confirmed: set[str] = set()
        self._confirmations = asyncio.Condition()
        self._received: asyncio.Queue[Event] = asyncio.Queue()
        self._health = BrokerHealth(log, broker="Redis", connection="Redis", lost="unreachable")
        self._publisher: Redis | None = None

    def status(self) -> BrokerStatus:
        return self._health.status

    async def connect(self) -> None:
        # One retry replaces a pooled connection that a broker restart broke; more would only
        # hold up the caller while the broker is down.
        self._publisher = self._client(retries=1)
        await self._health.start(
            self._listen_once,
            (RedisError, OSError),
            self._forget_confirmed,
            name="redis-listener",
            within=self._timeout,
        )

    async def disconnect(self) -> None:
        await self._health.stop()
        if self._publisher is not None:
            await self._publisher.aclose()

    async def subscribe(self, channel: str) -> None:
        self._wanted.add(channel)
        if not self._health.status.healthy:
            return  # the listener subscribes once the broker is back
        # Wait for Redis to confirm, so that a hint published right after this is heard.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._timeout), self._confirmations:
                await self._confirmations.wait_for(lambda: channel in self._confirmed)

    async def unsubscribe(self, channel: str) -> None:
        self._wanted.discard(channel)

    async def publish(self, channel: str, message: Any) -> None:
        if self._publisher is None:
            raise RedisConnectionError("the Redis backend is not connected")
        await self._publisher.publish(channel, message)

    async def next_published(self) -> Event:
        return await self._received.get()

    def _client(self, *, retries: int) -> Redis:
        return Redis.from_url(
            self._url,
            socket_connect_timeout=self._timeout,
            socket_timeout=self._timeout,
            retry=Retry(NoBackoff(), retries),
        )

    async def _listen_once(self) -> None:
        client = self._client(retries=0)
        pubsub = client.pubsub()
        try:
            await self._listen(pubsub)
        finally:
            await _close_quietly(pubsub, client)

    async def _listen(self, pubsub: PubSub) -> None:
        loop = asyncio.get_running_loop()
        await pubsub.ping()  # connects, and its PONG marks the broker healthy
        subscribed: set[str] = set()
        last_heard = next_ping = loop.time()
        while True:
            subscribed = await self._sync_subscriptions(pubsub, subscribed)
            message = await pubsub.get_message(timeout=_READ_SLICE_SECONDS)
            now = loop.time()
            if message is not None:
                last_heard = now
                await self._handle(message)
            if now >= next_ping:
                await pubsub.ping()
                next_ping = now + self._ping_interval
            if now - last_heard > self._ping_interval + self._timeout:
                # A broker that vanished without closing the socket shows up only as silence.
                raise RedisConnectionError("no reply from Redis to PING")

    async def _sync_subscriptions(self, pubsub: PubSub, subscribed: set[str]) -> set[str]:
        wanted = set(self._wanted)
        if added := wanted - subscribed:
            await pubsub.subscribe(*sorted(added))
        if removed := subscribed - wanted:
            await pubsub.unsubscribe(*sorted(removed))
            self._confirmed -= removed
        return wanted

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "message":
            channel, data = message["channel"], message["data"]
            self._received.put_nowait(Event(channel=_text(channel), message=_text(data)))
        elif kind == "subscribe":
            async with self._confirmations:
                self._confirmed.add(_text(message["channel"]))
                self._confirmations.notify_all()
        # Healthy means subscribed, not merely connected: a hint published now will be heard.
        if not self._health.status.healthy and self._wanted <= self._confirmed:
            self._health.healthy()

    def _forget_confirmed(self) -> None:
        self._confirmed.clear()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def _close_quietly(pubsub: PubSub, client: Redis) -> None:
    # Closing a connection the broker already dropped can fail; there is nothing left to do.
    with contextlib.suppress(RedisError, OSError):
        await pubsub.aclose()  # type: ignore[no-untyped-call]
    with contextlib.suppress(RedisError, OSError):
        await client.aclose()
