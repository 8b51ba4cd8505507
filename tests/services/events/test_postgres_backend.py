"""The PostgreSQL LISTEN/NOTIFY backend: a LISTEN connection of its own that it re-establishes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio
from broadcaster import Broadcast

from services.events.backends.postgres_notify import PostgresNotifyBackend
from tests.conftest import POSTGRES_ADMIN_URL, unavailable
from tests.services.events.conftest import SAFETY_TIMEOUT_SECONDS, until

pytestmark = pytest.mark.postgres


@pytest_asyncio.fixture
async def admin() -> AsyncIterator[asyncpg.Connection]:
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        unavailable("PostgreSQL", error)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
def channel() -> str:
    # The server's channels are shared by every database on it: one of this test's own.
    return f"test_{uuid.uuid4().hex}"


@pytest_asyncio.fixture
async def backend(admin: asyncpg.Connection) -> AsyncIterator[PostgresNotifyBackend]:
    connected = PostgresNotifyBackend(POSTGRES_ADMIN_URL, check_interval=0.2, timeout=1.0)
    broadcast = Broadcast(backend=connected)
    await broadcast.connect()
    try:
        yield connected
    finally:
        await broadcast.disconnect()


async def test_a_notification_reaches_a_listener(channel: str) -> None:
    backend = PostgresNotifyBackend(POSTGRES_ADMIN_URL)
    async with Broadcast(backend=backend) as broadcast, broadcast.subscribe(channel) as subscriber:
        # when
        await broadcast.publish(channel, "hello")

        # then
        event = await asyncio.wait_for(subscriber.get(), SAFETY_TIMEOUT_SECONDS)
        assert event.message == "hello"


async def test_notify_does_not_go_through_the_listen_connection(
    admin: asyncpg.Connection, backend: PostgresNotifyBackend, channel: str
) -> None:
    # given a backend listening, whose LISTEN connection the server then ends
    async with Broadcast(backend=backend) as broadcast, broadcast.subscribe(channel):
        listener = backend.listener_pid
        await admin.execute("SELECT pg_terminate_backend($1)", listener)

        # when / then publishing still works: it has a connection of its own
        await broadcast.publish(channel, "while the listener is down")


async def test_listening_resumes_after_the_listen_connection_is_lost(
    admin: asyncpg.Connection, channel: str
) -> None:
    # given
    backend = PostgresNotifyBackend(POSTGRES_ADMIN_URL, check_interval=0.2, timeout=1.0)
    async with Broadcast(backend=backend) as broadcast, broadcast.subscribe(channel) as subscriber:
        lost = backend.listener_pid

        # when the server ends the LISTEN connection
        await admin.execute("SELECT pg_terminate_backend($1)", lost)
        await until(lambda: backend.listener_pid not in (lost, None) and backend.status().healthy)

        # then the same subscriber hears the next notification
        await broadcast.publish(channel, "after")
        event = await asyncio.wait_for(subscriber.get(), SAFETY_TIMEOUT_SECONDS)
        assert event.message == "after"


async def test_a_lost_listen_connection_is_reported_as_degraded_until_it_is_back(
    admin: asyncpg.Connection, backend: PostgresNotifyBackend
) -> None:
    # given
    lost = backend.listener_pid

    # when
    await admin.execute("SELECT pg_terminate_backend($1)", lost)

    # then
    await until(lambda: not backend.status().healthy or backend.listener_pid != lost)
    await until(lambda: backend.status().healthy and backend.listener_pid != lost)
