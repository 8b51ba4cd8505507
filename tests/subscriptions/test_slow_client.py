"""A client that stops reading is cut off, with a code that says why, while others go on."""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from models import Task, User
from services.events.kinds import EventKind
from services.events.recorders import record_task
from services.unit_of_work import unit_of_work
from tests.api.mutations.helpers import ready_task
from tests.services.events.conftest import until
from tests.subscriptions.client import WsClient
from tests.subscriptions.live_server import LiveServer, live_server

QUEUE_SIZE = 10
# Large events (that compression cannot shrink) fill the buffers of a client that does not read
# in a few dozen events.
NOTE = secrets.token_hex(16_000)
# However large the buffers, the test ends: the slow client is cut off long before this.
MOST_EVENTS = 2000
TASK_CHANGED = "subscription { taskChanged { cursor payload } }"


@pytest_asyncio.fixture
async def small_queues(
    users: dict[str, User], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    async with live_server(
        tmp_path_factory.mktemp("data"),
        catchup_interval_seconds=3600,
        subscriber_queue_size=QUEUE_SIZE,
    ) as running:
        yield running


async def _client_that_stops_reading(server: LiveServer) -> WsClient:
    """A client that subscribes, then stops reading its socket (which holds little)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", server.port))
    client = await WsClient.open(server.url, sock=sock, compression=None)
    assert (await client.init(await server.token("viewer")))["type"] == "connection_ack"
    await client.subscribe("1", TASK_CHANGED)
    client.connection.transport.pause_reading()
    return client


async def test_a_client_that_stops_reading_is_closed_while_another_receives_everything(
    small_queues: LiveServer, users: dict[str, User]
) -> None:
    # given a client that stops reading and one that reads, on the same changes
    server = small_queues
    task, _agent = await ready_task(users)
    slow = await _client_that_stops_reading(server)
    fast = await server.client("viewer")
    await fast.subscribe("1", TASK_CHANGED)
    await until(lambda: server.relay.subscriber_count == 2)

    # when changes keep coming (each read by the fast client before the next)
    sent = received = 0
    while server.relay.subscriber_count == 2 and sent < MOST_EVENTS:
        await _record_big_change(task)
        sent += 1
        await fast.next_data("1")
        received += 1

    # then the slow client was let go: the relay holds no feed for it any more...
    assert server.relay.subscriber_count == 1
    # ...and once it reads again, it finds its connection closed with 1013 (try again later)
    slow.connection.transport.resume_reading()
    slow_received = await _count_until_closed(slow)
    assert slow.connection.close_code == 1013
    assert slow_received < sent
    # while the fast client got every change, and still does
    assert received == sent
    await _record_big_change(task)
    await fast.next_data("1")
    await fast.close()


async def _record_big_change(task: Task) -> None:
    """A reassignment to the same agent, with a long reason."""
    async with unit_of_work(None) as uow:
        record_task(
            uow,
            EventKind.TASK_REASSIGNED,
            task,
            previous_state=task.state,
            previousAssigneeId=task.assignee_id,
            reason=NOTE,
        )


async def _count_until_closed(client: WsClient) -> int:
    from websockets.exceptions import ConnectionClosed

    count = 0
    try:
        while True:
            await client.receive()
            count += 1
    except ConnectionClosed:
        return count
