"""serviceOrderChanged: every change in an order's plan, with the order's state and progress."""

from __future__ import annotations

from models import User
from services.orders import LineItemInput, SubmitOrderInput, approve_service_order
from services.orders import submit_service_order as submit
from tests.api.mutations.helpers import order_id
from tests.subscriptions.live_server import LiveServer

ORDER_CHANGED = """subscription($id: ID, $after: String) {
  serviceOrderChanged(serviceOrderId: $id, after: $after) {
    cursor kind entityType previousState newState actor { username }
    serviceOrder { number state progress { totalTasks completedTasks } }
  }
}"""


def _order_input() -> SubmitOrderInput:
    return SubmitOrderInput(customer="ACME Corp", line_items=[LineItemInput("MOBILE_LINE")])


async def test_an_approval_is_delivered_with_the_order_as_decomposed(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    order = await submit(users["partner"], _order_input())
    client = await server.client("manager")
    await client.subscribe_and_wait("1", ORDER_CHANGED, {"id": order_id(order)})

    # when
    await approve_service_order(users["manager"], order.id)

    # then the first change is the approval; the order is shown as it is now
    event = (await client.next_data("1"))["serviceOrderChanged"]
    assert (event["kind"], event["entityType"]) == ("service_order.approved", "service_order")
    assert (event["previousState"], event["actor"]) == ("NEW", {"username": "manager"})
    assert event["serviceOrder"]["number"] == order.number
    assert event["serviceOrder"]["state"] == "IN_PROGRESS"
    assert event["serviceOrder"]["progress"]["totalTasks"] > 0
    await client.close()


async def test_changes_to_the_plan_beneath_the_order_are_delivered_too(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    order = await submit(users["partner"], _order_input())
    client = await server.client("manager")
    await client.subscribe_and_wait("1", ORDER_CHANGED, {"id": order_id(order)})

    # when
    await approve_service_order(users["manager"], order.id)

    # then tasks made ready by the decomposition come through as the order's changes
    kinds = set()
    while "task.ready" not in kinds:
        kinds.add((await client.next_data("1"))["serviceOrderChanged"]["kind"])
    await client.close()


async def test_a_subscription_to_one_order_gets_nothing_of_another(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    wanted = await submit(users["partner"], _order_input())
    other = await submit(users["partner"], _order_input())
    client = await server.client("manager")
    await client.subscribe_and_wait("1", ORDER_CHANGED, {"id": order_id(wanted)})

    # when
    await approve_service_order(users["manager"], other.id)
    await approve_service_order(users["manager"], wanted.id)

    # then
    event = (await client.next_data("1"))["serviceOrderChanged"]
    assert event["serviceOrder"]["number"] == wanted.number
    await client.close()


async def test_without_an_order_id_every_orders_changes_arrive(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    order = await submit(users["partner"], _order_input())
    client = await server.client("viewer")
    await client.subscribe_and_wait("1", ORDER_CHANGED)

    # when
    await approve_service_order(users["manager"], order.id)

    # then
    event = (await client.next_data("1"))["serviceOrderChanged"]
    assert event["serviceOrder"]["number"] == order.number
    await client.close()
