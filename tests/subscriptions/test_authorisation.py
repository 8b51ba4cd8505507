"""Each subscriber gets the events it may read: a partner system those of its own orders."""

from __future__ import annotations

from models import User
from services.orders import LineItemInput, SubmitOrderInput, approve_service_order
from services.orders import submit_service_order as submit
from tests.subscriptions.live_server import LiveServer

ORDER_CHANGED = """subscription {
  serviceOrderChanged { kind serviceOrder { number } }
}"""
ORDER_CHANGED_BY = """subscription { serviceOrderChanged { kind actor { username } } }"""
TASK_CHANGED = """subscription { taskChanged { kind task { serviceOrder { number } } } }"""


def _order_input() -> SubmitOrderInput:
    return SubmitOrderInput(customer="ACME Corp", line_items=[LineItemInput("MOBILE_LINE")])


async def test_an_integrator_gets_the_changes_of_its_own_orders_only(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given an order of the partner's and one the manager entered
    own = await submit(users["partner"], _order_input())
    others = await submit(users["manager"], _order_input())
    client = await server.client("partner")
    await client.subscribe_and_wait("orders", ORDER_CHANGED)
    await client.subscribe_and_wait("tasks", TASK_CHANGED)

    # when the other order changes first
    await approve_service_order(users["manager"], others.id)
    await approve_service_order(users["manager"], own.id)

    # then the first change each subscription delivers is the partner's own order's
    order_event = (await client.next_data_of("orders"))["serviceOrderChanged"]
    assert order_event["serviceOrder"]["number"] == own.number
    task_event = (await client.next_data_of("tasks"))["taskChanged"]
    assert task_event["task"]["serviceOrder"] == {"number": own.number}
    await client.close()


async def test_a_viewer_gets_the_changes_of_every_order(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    others = await submit(users["manager"], _order_input())
    client = await server.client("viewer")
    await client.subscribe_and_wait("orders", ORDER_CHANGED)

    # when
    await approve_service_order(users["manager"], others.id)

    # then
    event = (await client.next_data("orders"))["serviceOrderChanged"]
    assert event["serviceOrder"]["number"] == others.number
    await client.close()


async def test_a_change_shows_its_actor_only_to_subscribers_who_may_read_them(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given the partner and a viewer following the partner's order
    own = await submit(users["partner"], _order_input())
    partner = await server.client("partner")
    viewer = await server.client("viewer")
    for client in (partner, viewer):
        await client.subscribe_and_wait("orders", ORDER_CHANGED_BY)

    # when the manager approves it
    await approve_service_order(users["manager"], own.id)

    # then the viewer sees who did, and the partner, who may not read the manager, does not
    seen_by_viewer = (await viewer.next_data_of("orders"))["serviceOrderChanged"]
    seen_by_partner = (await partner.next_data_of("orders"))["serviceOrderChanged"]
    assert seen_by_viewer == {"kind": "service_order.approved", "actor": {"username": "manager"}}
    assert seen_by_partner == {"kind": "service_order.approved", "actor": None}
    await partner.close()
    await viewer.close()
