"""falloutChanged: every change to a fallout record, with the record as it is after it."""

from __future__ import annotations

from models import User
from models.enums import FalloutType
from services.fallouts import create_fallout, reassign_fallout
from services.orders.cancel import cancel_service_order
from tests.api.mutations.helpers import open_fallout, order_id, started_task, user_id
from tests.subscriptions.live_server import LiveServer

FALLOUT_CHANGED = """subscription($filter: FalloutEventFilter, $after: String) {
  falloutChanged(filter: $filter, after: $after) {
    cursor kind previousState newState actor { username }
    fallout { number state type description assignee { username } task { number state } }
  }
}"""


async def test_a_reported_fallout_is_delivered_with_its_task_on_hold(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    task, agent = await started_task(users)
    client = await server.client("manager")
    await client.subscribe_and_wait("1", FALLOUT_CHANGED)

    # when
    await create_fallout(agent, task.id, FalloutType.PROVISIONING_FAILURE, "HLR timeout")

    # then
    event = (await client.next_data("1"))["falloutChanged"]
    assert event["kind"] == "fallout.created"
    assert (event["previousState"], event["newState"]) == (None, "OPEN")
    assert event["actor"] == {"username": agent.username}
    assert event["fallout"]["description"] == "HLR timeout"
    assert event["fallout"]["task"] == {"number": task.number, "state": "ON_HOLD"}
    await client.close()


async def test_the_states_filter_passes_only_changes_that_end_in_those_states(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    client = await server.client("manager")
    await client.subscribe_and_wait("1", FALLOUT_CHANGED, {"filter": {"states": ["IN_PROGRESS"]}})
    fallout = await open_fallout(users)

    # when
    await reassign_fallout(users["manager"], fallout.id, users["agent2"].id, "look")

    # then
    event = (await client.next_data("1"))["falloutChanged"]
    assert (event["kind"], event["newState"]) == ("fallout.reassigned", "IN_PROGRESS")
    assert event["fallout"]["assignee"] == {"username": "agent2"}
    await client.close()


async def test_the_service_order_and_assignee_filters_pass_only_their_fallouts(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given two open fallouts on two orders
    other = await open_fallout(users)
    wanted = await open_fallout(users)
    client = await server.client("viewer")
    await client.subscribe_and_wait(
        "1",
        FALLOUT_CHANGED,
        {
            "filter": {
                "serviceOrderId": order_id(await wanted.service_order),
                "assigneeId": user_id(users["agent1"]),
            }
        },
    )

    # when
    await reassign_fallout(users["manager"], other.id, users["agent1"].id)
    await reassign_fallout(users["manager"], wanted.id, users["agent1"].id)

    # then
    assert (await client.next_data("1"))["falloutChanged"]["fallout"]["number"] == wanted.number
    await client.close()


async def test_an_open_fallout_of_a_cancelled_order_reaches_its_assignee_cancelled(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given an agent following the fallouts assigned to them, one of which they are working
    fallout = await open_fallout(users)
    await reassign_fallout(users["manager"], fallout.id, users["agent2"].id, "look")
    client = await server.client("agent2")
    await client.subscribe_and_wait(
        "1", FALLOUT_CHANGED, {"filter": {"assigneeId": user_id(users["agent2"])}}
    )

    # when its order is cancelled
    await cancel_service_order(users["manager"], fallout.service_order_id, "Customer withdrew")

    # then the fallout reaches them CANCELLED, with its task
    event = (await client.next_data("1"))["falloutChanged"]
    assert (event["kind"], event["previousState"], event["newState"]) == (
        "fallout.cancelled",
        "IN_PROGRESS",
        "CANCELLED",
    )
    assert event["actor"] == {"username": "manager"}
    assert event["fallout"]["task"]["state"] == "CANCELLED"
    await client.close()
