"""Several server processes on one PostgreSQL database: a change made through one reaches the
subscribers of another, over Redis or PostgreSQL, and nothing is lost while Redis restarts."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from bench.server_process import free_port
from services.events.cursor import encode_cursor
from tests.conftest import create_postgres_database, drop_postgres_database, unavailable
from tests.services.events.redis_server import RedisServer
from tests.subscriptions.client import WsClient
from tests.subscriptions.processes import ServerProcess, base_env, run_command, token

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

# Servers that never catch up on their own within a test: what reaches their subscribers was
# pushed to them through the broker.
PUSH_ONLY = "3600"
TASKS = """query($order: ID) {
  tasks(filter: {serviceOrderId: $order, state: READY}, first: 1) {
    edges { node { id serviceOrder { id } } } } }"""
USERS = "{ users { id username } }"
REASSIGN = """mutation($input: ReassignTaskInput!) {
  reassignTask(input: $input) { task { id } userErrors { code message } } }"""
TASK_CHANGED = """subscription($order: ID, $after: String) {
  taskChanged(filter: {serviceOrderId: $order}, after: $after) {
    cursor kind task { id assignee { username } } }
}"""


@dataclass
class Fleet:
    database_url: str
    redis: RedisServer
    # Over Redis: `origin` takes the changes; `pushed` hears only pushes; `catching_up` reads
    # the table every half second.
    origin: ServerProcess
    pushed: ServerProcess
    catching_up: ServerProcess
    # Over PostgreSQL LISTEN/NOTIFY.
    pg_origin: ServerProcess
    pg_pushed: ServerProcess
    task_id: str
    order_id: str
    agents: dict[str, str]


@pytest_asyncio.fixture(scope="module")
async def fleet(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Fleet]:
    data_dir = tmp_path_factory.mktemp("processes")
    database_url = await create_postgres_database()
    redis = RedisServer(_redis_executable(), free_port())
    await redis.start()
    env = base_env(database_url, data_dir)
    servers: list[ServerProcess] = []
    try:
        await run_command(env, "migrate")
        await run_command(env, "seed")

        def server(name: str, broadcast_url: str, catchup: str) -> ServerProcess:
            server_env = env | {"BROADCAST_URL": broadcast_url, "CATCHUP_INTERVAL_SECONDS": catchup}
            servers.append(ServerProcess(name, server_env, data_dir / f"{name}.log"))
            return servers[-1]

        origin = server("origin", redis.url, PUSH_ONLY)
        pushed = server("pushed", redis.url, PUSH_ONLY)
        catching_up = server("catching-up", redis.url, "0.5")
        pg_origin = server("pg-origin", database_url, PUSH_ONLY)
        pg_pushed = server("pg-pushed", database_url, PUSH_ONLY)
        for started in servers:
            await started.start()
        [task] = (await origin.graphql("manager", TASKS))["tasks"]["edges"]
        people = (await origin.graphql("manager", USERS))["users"]
        yield Fleet(
            database_url,
            redis,
            origin,
            pushed,
            catching_up,
            pg_origin,
            pg_pushed,
            task_id=task["node"]["id"],
            order_id=task["node"]["serviceOrder"]["id"],
            agents={p["username"]: p["id"] for p in people if p["username"].startswith("agent")},
        )
    finally:
        for running in servers:
            await running.stop()
        await redis.stop()
        await drop_postgres_database(database_url)


def _redis_executable() -> str:
    executable = shutil.which("redis-server")
    if executable is None:
        unavailable("redis-server", FileNotFoundError("redis-server is not installed"))
    assert executable is not None
    return executable


async def _subscribe(server: ServerProcess, order_id: str, after: str | None = None) -> WsClient:
    client = await WsClient.open(server.ws_url)
    assert (await client.init(token("viewer")))["type"] == "connection_ack"
    await client.subscribe("1", TASK_CHANGED, {"order": order_id, "after": after})
    return client


async def _reassign(fleet: Fleet, through: ServerProcess, agent: str) -> None:
    payload = (
        await through.graphql(
            "manager",
            REASSIGN,
            input={"taskId": fleet.task_id, "assigneeId": fleet.agents[agent], "reason": "test"},
        )
    )["reassignTask"]
    assert payload["userErrors"] == [], payload


async def _task_cursors(fleet: Fleet, after_cursor: str | None = None) -> list[str]:
    """The cursors of the task events in the table, in id order."""
    connection = await asyncpg.connect(fleet.database_url)
    try:
        rows = await connection.fetch("SELECT id FROM event WHERE entity_type = 'task' ORDER BY id")
    finally:
        await connection.close()
    cursors = [encode_cursor(row["id"]) for row in rows]
    return cursors if after_cursor is None else cursors[cursors.index(after_cursor) + 1 :]


async def _received(client: WsClient, count: int) -> list[dict[str, Any]]:
    return [(await client.next_data("1"))["taskChanged"] for _ in range(count)]


async def test_a_change_through_one_process_reaches_a_subscriber_of_another_over_redis(
    fleet: Fleet,
) -> None:
    # given a subscriber of a process that hears only pushes
    client = await _subscribe(fleet.pushed, fleet.order_id)

    # when the change is made through another process
    await _reassign(fleet, fleet.origin, "agent1")

    # then
    [event] = await _received(client, 1)
    assert (event["kind"], event["task"]["assignee"]) == ("task.reassigned", {"username": "agent1"})
    await client.close()


async def test_a_change_through_one_process_reaches_a_subscriber_of_another_over_postgres(
    fleet: Fleet,
) -> None:
    client = await _subscribe(fleet.pg_pushed, fleet.order_id)

    await _reassign(fleet, fleet.pg_origin, "agent2")

    [event] = await _received(client, 1)
    assert (event["kind"], event["task"]["assignee"]) == ("task.reassigned", {"username": "agent2"})
    await client.close()


async def test_with_redis_down_changes_go_through_and_the_catch_up_delivers_them(
    fleet: Fleet,
) -> None:
    # given a subscriber of a process that reads the table every half second, and Redis down;
    # it asks for what follows the newest change, which that process may not have read yet
    [*_, newest] = await _task_cursors(fleet)
    client = await _subscribe(fleet.catching_up, fleet.order_id, after=newest)
    await fleet.redis.stop()
    try:
        await until_degraded(fleet.origin)

        # when
        await _reassign(fleet, fleet.origin, "agent1")

        # then the change was made, and it reaches the subscriber all the same
        [event] = await _received(client, 1)
        assert event["task"]["assignee"] == {"username": "agent1"}
        assert (await fleet.catching_up.readiness())["broker"] == "degraded"
    finally:
        await fleet.redis.start()
        await until_healthy(fleet.origin, fleet.pushed, fleet.catching_up)
    await client.close()


async def test_across_a_redis_restart_every_event_arrives_in_order_and_push_resumes(
    fleet: Fleet,
) -> None:
    # given a subscriber of a push-only process, and one change it has received
    client = await _subscribe(fleet.pushed, fleet.order_id)
    await _reassign(fleet, fleet.origin, "agent1")
    [first] = await _received(client, 1)

    # when Redis stops, changes go on, and Redis comes back
    await fleet.redis.stop()
    await until_degraded(fleet.origin, fleet.pushed)
    for agent in ("agent2", "agent1", "agent2"):
        await _reassign(fleet, fleet.origin, agent)
    await fleet.redis.start()
    await until_healthy(fleet.origin, fleet.pushed)
    # ...and one more change is pushed, which wakes the push-only process
    await _reassign(fleet, fleet.origin, "agent1")

    # then it has every change since the first, in order, each once, up to the last one
    expected = await _task_cursors(fleet, after_cursor=first["cursor"])
    received = await _received(client, len(expected))
    assert [event["cursor"] for event in received] == expected
    assert received[-1]["task"]["assignee"] == {"username": "agent1"}
    await client.close()


async def until_degraded(*servers: ServerProcess) -> None:
    for server in servers:
        await server.until_broker("degraded")


async def until_healthy(*servers: ServerProcess) -> None:
    for server in servers:
        await server.until_broker("ok")
