"""The Redis pub/sub backend delivers, notices a lost broker, and resubscribes when it returns."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from broadcaster import Broadcast
from redis.exceptions import ConnectionError as RedisConnectionError

from services.events.backends.redis_pubsub import RedisPubSubBackend
from tests.services.events.conftest import SAFETY_TIMEOUT_SECONDS, until
from tests.services.events.redis_server import RedisServer

pytestmark = pytest.mark.redis


@pytest_asyncio.fixture
async def backend(redis_server: RedisServer) -> AsyncIterator[RedisPubSubBackend]:
    connected = RedisPubSubBackend(redis_server.url, ping_interval=0.2, timeout=0.5)
    broadcast = Broadcast(backend=connected)
    await broadcast.connect()
    try:
        yield connected
    finally:
        await broadcast.disconnect()


async def _round_trip(broadcast: Broadcast, message: str) -> str:
    async with broadcast.subscribe("hints") as subscriber:
        await broadcast.publish("hints", message)
        event = await asyncio.wait_for(subscriber.get(), SAFETY_TIMEOUT_SECONDS)
        return event.message


async def test_a_published_message_reaches_a_subscriber(redis_server: RedisServer) -> None:
    # given
    async with Broadcast(backend=RedisPubSubBackend(redis_server.url)) as broadcast:
        # when / then
        assert await _round_trip(broadcast, "hello") == "hello"


async def test_the_broker_going_away_is_reported_as_degraded(
    redis_server: RedisServer, backend: RedisPubSubBackend
) -> None:
    # given
    assert backend.status().healthy

    # when
    await redis_server.stop()

    # then
    await until(lambda: not backend.status().healthy)
    assert backend.status().state == "degraded"


async def test_delivery_resumes_after_the_broker_restarts(redis_server: RedisServer) -> None:
    # given a subscriber that got a message before the restart
    backend = RedisPubSubBackend(redis_server.url, ping_interval=0.2, timeout=0.5)
    async with Broadcast(backend=backend) as broadcast, broadcast.subscribe("hints") as subscriber:
        await broadcast.publish("hints", "before")
        before = await asyncio.wait_for(subscriber.get(), SAFETY_TIMEOUT_SECONDS)
        assert before.message == "before"

        # when the broker stops and starts again
        await redis_server.stop()
        await until(lambda: not backend.status().healthy)
        await redis_server.start()
        await until(lambda: backend.status().healthy)

        # then the same subscriber hears the next message
        await broadcast.publish("hints", "after")
        after = await asyncio.wait_for(subscriber.get(), SAFETY_TIMEOUT_SECONDS)
        assert after.message == "after"


async def test_a_broker_that_goes_silent_is_noticed_and_rejoined(
    redis_server: RedisServer, backend: RedisPubSubBackend
) -> None:
    # given a broker that stops answering without closing its sockets
    redis_server.pause()
    try:
        await until(lambda: not backend.status().healthy)
    finally:
        redis_server.resume()

    # when it answers again, then the backend is subscribed again
    await until(lambda: backend.status().healthy)


async def test_publishing_while_the_broker_is_down_raises_for_the_caller_to_log(
    redis_server: RedisServer,
) -> None:
    # given
    async with Broadcast(backend=RedisPubSubBackend(redis_server.url, timeout=0.5)) as broadcast:
        await redis_server.stop()

        # when / then
        with pytest.raises(RedisConnectionError):
            await broadcast.publish("hints", "lost")
