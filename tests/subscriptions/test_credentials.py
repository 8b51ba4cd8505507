"""An open websocket does not outlive its credentials (schema/sockets.py,
schema/extensions/live_credentials.py): it is closed with 4403 when its token expires or its
user is deactivated or changes roles, and every operation on it checks them first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from models import ServiceOrder, User
from models.enums import Role
from services.orders import LineItemInput, SubmitOrderInput, submit_service_order
from tests.api.graphql import gid
from tests.services.events.conftest import until
from tests.subscriptions.client import WsClient
from tests.subscriptions.live_server import LiveServer, live_server

TASK_CHANGED = "subscription { taskChanged { kind } }"
SUBMIT = """mutation { submitServiceOrder(input: {customer: "ACME", lineItems:
  [{specificationCode: "MOBILE_LINE"}]}) { serviceOrder { id } userErrors { code } } }"""
APPROVE = """mutation($id: ID!) { approveServiceOrder(input: {serviceOrderId: $id}) {
  serviceOrder { state } userErrors { code } } }"""


@pytest_asyncio.fixture
async def watched(
    users: dict[str, User], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    """The service, re-reading open sockets' users every 50 ms."""
    async with live_server(
        tmp_path_factory.mktemp("data"),
        catchup_interval_seconds=3600,
        ws_credentials_check_seconds=0.05,
    ) as running:
        yield running


async def first_message(client: WsClient, operation_id: str) -> dict[str, Any]:
    message = await client.receive()
    assert message.get("id") == operation_id, message
    return message


async def test_a_socket_is_closed_when_its_token_expires(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given a socket whose token lives a second, with a subscription
    client = await WsClient.open(server.url)
    ack = await client.init(await server.token("viewer", ttl_seconds=1))
    assert ack["type"] == "connection_ack"
    await client.subscribe("tasks", TASK_CHANGED)

    # when the token's exp passes, then the server closes the socket as forbidden
    assert await client.close_code() == 4403
    await until(lambda: server.relay.subscriber_count == 0)


async def test_a_deactivated_users_mutation_over_an_open_socket_is_refused(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given a partner's open socket, then the partner deactivated
    client = await server.client("partner")
    await User.filter(username="partner").update(is_active=False)

    # when it submits an order over the socket
    await client.subscribe("submit", SUBMIT)

    # then the operation is refused, and no order is written
    message = await first_message(client, "submit")
    assert message["type"] == "error", message
    [error] = message["payload"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert await ServiceOrder.all().count() == 0
    await client.close()


async def test_an_operation_runs_with_the_roles_the_user_has_now(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given a manager's open socket, then the manager made a viewer
    order = await submit_service_order(
        users["partner"],
        SubmitOrderInput(customer="ACME", line_items=[LineItemInput("MOBILE_LINE")]),
    )
    client = await server.client("manager")
    await User.filter(username="manager").update(roles=[Role.VIEWER.value])

    # when it approves an order over the socket
    await client.subscribe("approve", APPROVE, {"id": gid("ServiceOrder", order.id)})

    # then the approval is refused as the viewer's would be
    payload = (await client.next_data("approve"))["approveServiceOrder"]
    assert payload == {"serviceOrder": None, "userErrors": [{"code": "FORBIDDEN"}]}
    await client.close()


async def test_deliveries_stop_when_the_user_is_deactivated(
    watched: LiveServer, users: dict[str, User]
) -> None:
    # given a viewer's subscription
    client = await watched.client("viewer")
    await client.subscribe_and_wait("tasks", TASK_CHANGED)

    # when the viewer is deactivated
    await User.filter(username="viewer").update(is_active=False)

    # then the socket is closed as forbidden, and its subscription ends
    assert await client.close_code() == 4403
    await until(lambda: watched.relay.subscriber_count == 0)


async def test_a_socket_is_closed_when_its_users_roles_change(
    watched: LiveServer, users: dict[str, User]
) -> None:
    # given a viewer's subscription
    client = await watched.client("viewer")
    await client.subscribe_and_wait("tasks", TASK_CHANGED)

    # when the viewer becomes an integrator (who may read only its own orders)
    await User.filter(username="viewer").update(roles=[Role.INTEGRATOR.value])

    # then the socket is closed: a new one gets what the new role allows
    assert await client.close_code() == 4403
