"""The events machinery of a process, as the server runs it: broker, relay and hints together."""

from __future__ import annotations

import pytest

from bench.server_process import free_port
from models.enums import Role
from services.events.filters import EventFilter
from services.events.runtime import broker_status, current_relay, events_runtime, run_events
from services.events.stream import event_stream
from services.settings import Settings
from tests.conftest import POSTGRES_ADMIN_URL
from tests.services.events.conftest import NEVER, make_user, record_events, take
from tests.services.events.redis_server import RedisServer


def settings_for(broadcast_url: str) -> Settings:
    # No catch-up within a test: an event that arrives came by the local wake-up or the broker.
    return Settings(broadcast_url=broadcast_url, catchup_interval_seconds=NEVER)


async def test_a_commit_reaches_a_subscriber_of_the_same_process(db: str) -> None:
    # given
    viewer = await make_user("viewer", [Role.VIEWER])
    async with run_events(settings_for("memory://")):
        stream = event_stream(current_relay(), viewer, EventFilter())

        # when
        ids = await record_events(1)

        # then
        assert await take(stream, 1) == ids
        await stream.aclose()


async def test_the_in_process_broker_is_reported_healthy(db: str) -> None:
    async with run_events(settings_for("memory://")):
        assert broker_status().state == "ok"


def test_without_a_running_relay_the_broker_is_reported_degraded() -> None:
    assert broker_status().state == "degraded"


async def test_with_the_broker_down_changes_commit_and_local_subscribers_still_hear(
    db: str,
) -> None:
    # given a Redis URL nobody answers on
    viewer = await make_user("viewer", [Role.VIEWER])
    async with run_events(settings_for(f"redis://127.0.0.1:{free_port()}")):
        stream = event_stream(current_relay(), viewer, EventFilter())

        # when
        ids = await record_events(1)

        # then
        assert broker_status().state == "degraded"
        assert await take(stream, 1) == ids
        await stream.aclose()


@pytest.mark.redis
async def test_a_hint_over_redis_wakes_the_relay_of_another_process(
    db: str, redis_server: RedisServer
) -> None:
    # given two processes' machinery on one Redis; changes go through the first
    viewer = await make_user("viewer", [Role.VIEWER])
    settings = settings_for(redis_server.url)
    async with events_runtime(settings) as other, run_events(settings):
        stream = event_stream(other.relay, viewer, EventFilter())

        # when
        ids = await record_events(1)

        # then the other process's relay, which never catches up on its own, delivers it
        assert await take(stream, 1) == ids
        await stream.aclose()


@pytest.mark.postgres
async def test_a_hint_over_postgres_wakes_the_relay_of_another_process(db: str) -> None:
    # given
    viewer = await make_user("viewer", [Role.VIEWER])
    settings = settings_for(POSTGRES_ADMIN_URL)
    async with events_runtime(settings) as other, run_events(settings):
        stream = event_stream(other.relay, viewer, EventFilter())

        # when
        ids = await record_events(1)

        # then
        assert await take(stream, 1) == ids
        await stream.aclose()
