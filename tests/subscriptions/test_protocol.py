"""graphql-transport-ws as the server speaks it, seen from a raw websocket client."""

from __future__ import annotations

from models import User
from tests.services.events.conftest import until
from tests.subscriptions.client import WsClient
from tests.subscriptions.live_server import LiveServer

TASK_CHANGED = "subscription { taskChanged { kind } }"


async def test_no_connection_init_in_time_closes_with_4408(server: LiveServer) -> None:
    # given a client that says nothing (the server waits 0.3 s here)
    client = await WsClient.open(server.url)

    # then
    assert await client.close_code() == 4408


async def test_subscribing_before_the_acknowledgement_closes_with_4401(server: LiveServer) -> None:
    # given
    client = await WsClient.open(server.url)

    # when
    await client.subscribe("1", TASK_CHANGED)

    # then
    assert await client.close_code() == 4401


async def test_connection_init_without_a_token_closes_with_4403(
    server: LiveServer, users: dict[str, User]
) -> None:
    client = await WsClient.open(server.url)
    await client.send_init(None)
    assert await client.close_code() == 4403


async def test_a_badly_signed_token_closes_with_4403(server: LiveServer) -> None:
    # given a token signed with another key
    client = await WsClient.open(server.url)
    forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYW5hZ2VyIn0.c2lnbmF0dXJl"

    # when
    await client.send_init(forged)

    # then
    assert await client.close_code() == 4403


async def test_an_expired_token_closes_with_4403(
    server: LiveServer, users: dict[str, User]
) -> None:
    client = await WsClient.open(server.url)
    await client.send_init(await server.token("viewer", ttl_seconds=-60))
    assert await client.close_code() == 4403


async def test_a_good_token_is_acknowledged(server: LiveServer, users: dict[str, User]) -> None:
    client = await WsClient.open(server.url)
    assert await client.init(await server.token("viewer")) == {"type": "connection_ack"}
    await client.close()


async def test_a_second_operation_with_the_same_id_closes_with_4409(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    client = await server.client("viewer")
    await client.subscribe("1", TASK_CHANGED)

    # when
    await client.subscribe("1", TASK_CHANGED)

    # then
    assert await client.close_code() == 4409


async def test_a_ping_is_answered_with_a_pong(server: LiveServer, users: dict[str, User]) -> None:
    client = await server.client("viewer")
    await client.send({"type": "ping"})
    assert await client.receive() == {"type": "pong"}
    await client.close()


async def test_complete_from_the_client_ends_the_subscription_on_the_server(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given a running subscription
    client = await server.client("viewer")
    await client.subscribe("1", TASK_CHANGED)
    await until(lambda: server.relay.subscriber_count == 1)

    # when
    await client.complete("1")

    # then the server no longer feeds it
    await until(lambda: server.relay.subscriber_count == 0)
    await client.close()


async def test_closing_the_socket_ends_its_subscriptions_on_the_server(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    client = await server.client("viewer")
    await client.subscribe("1", TASK_CHANGED)
    await client.subscribe("2", TASK_CHANGED)
    await until(lambda: server.relay.subscriber_count == 2)

    # when
    await client.close()

    # then
    await until(lambda: server.relay.subscriber_count == 0)


async def test_operations_beyond_the_limit_per_connection_are_refused(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given as many subscriptions as a connection may hold (3 here)
    client = await server.client("viewer")
    for operation_id in ("1", "2", "3"):
        await client.subscribe(operation_id, TASK_CHANGED)

    # when
    await client.subscribe("4", TASK_CHANGED)

    # then
    refusal = await client.receive()
    assert (refusal["id"], refusal["type"]) == ("4", "error")
    assert "limit" in refusal["payload"][0]["message"]
    await client.close()


async def test_a_malformed_cursor_is_an_error_of_that_operation(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    client = await server.client("viewer")

    # when
    await client.subscribe("1", 'subscription { taskChanged(after: "nonsense") { kind } }')

    # then
    message = await client.receive()
    assert message["type"] == "next"
    [error] = message["payload"]["errors"]
    assert error["extensions"]["code"] == "VALIDATION"
    assert await client.receive() == {"id": "1", "type": "complete"}
    await client.close()
