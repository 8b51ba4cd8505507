"""cancelServiceOrder: a whole order or some of its items, with compensation of done work."""

from __future__ import annotations

from typing import Any

import pytest

from models import Event, LineItem, ServiceOrder, Task
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    submit_service_order,
)
from services.tasks import complete_task, start_task
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, new_order, order_id, refused, succeeded
from tests.services.orders.plan_work import task_by_code, work, work_compensations
from tests.services.task_plans import agent_for, approved_order, snapshot, work_every_task

CANCEL = """
mutation Cancel($input: CancelServiceOrderInput!) {
  cancelServiceOrder(input: $input) {
    serviceOrder {
      state version viewerCan { cancel }
      lineItems {
        state cancelledAt cancellationReason pointOfNoReturnReachedAt viewerCan { cancel }
        soldProduct { state }
      }
    }
    userErrors { code message field }
  }
}"""
PLAN = """
query Plan($id: ID!) {
  serviceOrder(id: $id) {
    state viewerCan { cancel }
    progress { totalTasks completedTasks }
    lineItems {
      state viewerCan { cancel } soldProduct { state }
      domainOrders { tasks {
        name state isPointOfNoReturn
        compensates { name state }
        dependsOn { name }
      } }
    }
  }
}"""


async def cancel(api: Api, username: str, order: ServiceOrder, **values: Any) -> dict[str, Any]:
    values.setdefault("reason", "Customer moved abroad")
    data = await api.data(
        username, CANCEL, {"input": {"serviceOrderId": order_id(order), **values}}
    )
    payload: dict[str, Any] = data["cancelServiceOrder"]
    return payload


async def plan(api: Api, order: ServiceOrder) -> dict[str, Any]:
    data = await api.data("manager", PLAN, {"id": order_id(order)})
    found: dict[str, Any] = data["serviceOrder"]
    return found


def item_ids(*items: LineItem) -> list[str]:
    return [gid("LineItem", item.id) for item in items]


def compensating(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        task["name"]: task
        for item in found["lineItems"]
        for domain_order in item["domainOrders"]
        for task in domain_order["tasks"]
        if task["compensates"]
    }


async def test_a_new_order_is_cancelled_at_once(api: Api, users: Users) -> None:
    order = await new_order(users)

    cancelled = succeeded(await cancel(api, "manager", order), "serviceOrder")

    assert cancelled["state"] == "CANCELLED"
    [item] = cancelled["lineItems"]
    assert (item["state"], item["cancellationReason"]) == ("CANCELLED", "Customer moved abroad")
    assert cancelled["viewerCan"] == {"cancel": False}
    event = await Event.get(kind="service_order.cancelled")
    stored = await LineItem.get(service_order_id=order.id)
    assert event.actor_id == users["manager"].id
    assert event.payload["reason"] == "Customer moved abroad"
    assert event.payload["lineItemIds"] == [stored.id]


async def test_a_planned_order_undoes_its_done_work_in_reverse_then_is_cancelled(
    api: Api, users: Users
) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    await work(order.id, users, "ship_ont", "allocate_ipv6_prefix", "configure_olt_port")

    cancelling = succeeded(await cancel(api, "manager", order), "serviceOrder")

    assert (cancelling["state"], cancelling["lineItems"][0]["state"]) == (
        "CANCELLING",
        "CANCELLING",
    )
    undo = compensating(await plan(api, order))
    assert {name: task["compensates"]["name"] for name, task in undo.items()} == {
        "Recover the ONT": "Ship the ONT to the installer",
        "Release the IPv6 prefix": "Allocate a /56 IPv6 prefix",
        "Release the OLT port and remove its service profile": "Configure the OLT port and "
        "service profile",
    }
    # The ONT was shipped before the port was configured: it is recovered after the release.
    assert undo["Recover the ONT"]["dependsOn"] == [
        {"name": "Release the OLT port and remove its service profile"}
    ]
    assert undo["Recover the ONT"]["state"] == "PENDING"

    done = await work_compensations(order.id, users)

    assert done.index("release_olt_port") < done.index("recover_ont")
    found = await plan(api, order)
    assert found["state"] == "CANCELLED"
    assert found["lineItems"][0]["state"] == "CANCELLED"
    assert found["lineItems"][0]["soldProduct"] == {"state": "CANCELLED"}
    # Progress counts the work done and the work undone, not the tasks cancelled.
    assert found["progress"] == {"totalTasks": 6, "completedTasks": 6}


async def test_cancelling_some_items_leaves_the_order_partial_when_the_rest_completes(
    api: Api, users: Users
) -> None:
    order = await approved_order(users, "MOBILE_LINE", "TV_VOICE_BUNDLE")
    mobile, _tv = await LineItem.filter(service_order_id=order.id).order_by("position")

    partly = succeeded(
        await cancel(api, "manager", order, lineItemIds=item_ids(mobile)), "serviceOrder"
    )

    assert partly["state"] == "IN_PROGRESS"
    assert [i["state"] for i in partly["lineItems"]] == ["CANCELLED", "PENDING"]
    await work_every_task(order.id, users)
    found = await plan(api, order)
    assert found["state"] == "PARTIAL"
    assert [i["soldProduct"]["state"] for i in found["lineItems"]] == ["CANCELLED", "ACTIVE"]


async def test_an_item_past_its_point_of_no_return_is_refused(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    [item] = await LineItem.filter(service_order_id=order.id)
    await work(order.id, users, "allocate_sim")
    dispatch = await task_by_code(order.id, "dispatch_sim")
    await start_task(await agent_for(dispatch, users), dispatch.id)
    before = await snapshot()

    whole = await cancel(api, "manager", order)
    named = await cancel(api, "manager", order, lineItemIds=item_ids(item))

    assert refused(whole, "serviceOrder") == ("INVALID_STATE", "serviceOrderId")
    assert refused(named, "serviceOrder") == ("INVALID_STATE", "lineItemIds")
    for payload in (whole, named):
        message = payload["userErrors"][0]["message"]
        assert "line item 1" in message.lower() and dispatch.number in message
        assert "point of no return" in message
    assert await snapshot() == before
    found = await plan(api, order)
    assert (found["viewerCan"], found["lineItems"][0]["viewerCan"]) == (
        {"cancel": False},
        {"cancel": False},
    )


async def test_past_one_items_point_of_no_return_the_others_are_cancelled_by_name(
    api: Api, users: Users
) -> None:
    order = await approved_order(users, "MOBILE_LINE", "TV_VOICE_BUNDLE")
    _mobile, tv = await LineItem.filter(service_order_id=order.id).order_by("position")
    await work(order.id, users, "allocate_sim")
    dispatch = await task_by_code(order.id, "dispatch_sim")
    await start_task(await agent_for(dispatch, users), dispatch.id)

    cancelled = succeeded(
        await cancel(api, "manager", order, lineItemIds=item_ids(tv)), "serviceOrder"
    )

    assert [i["state"] for i in cancelled["lineItems"]] == ["IN_PROGRESS", "CANCELLED"]
    assert cancelled["state"] == "IN_PROGRESS"


async def test_a_partner_cancels_its_own_order_and_no_one_elses(api: Api, users: Users) -> None:
    own = await new_order(users)
    others = await submit_service_order(
        users["manager"],
        SubmitOrderInput(customer="ACME Corp", line_items=[LineItemInput("MOBILE_LINE")]),
    )
    before = await snapshot()

    forbidden = await cancel(api, "partner", others)

    assert refused(forbidden, "serviceOrder") == ("FORBIDDEN", "serviceOrderId")
    assert await snapshot() == before
    assert succeeded(await cancel(api, "partner", own), "serviceOrder")["state"] == "CANCELLED"


@pytest.mark.parametrize("username", ["agent1", "viewer", "admin"])
async def test_only_managers_and_partners_cancel(api: Api, users: Users, username: str) -> None:
    order = await new_order(users)
    before = await snapshot()

    assert refused(await cancel(api, username, order), "serviceOrder") == (
        "FORBIDDEN",
        None,
    )
    assert await snapshot() == before


async def test_bad_input_is_refused_and_changes_nothing(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    other = await approved_order(users, "MOBILE_LINE")
    [other_item] = await LineItem.filter(service_order_id=other.id)
    before = await snapshot()

    blank = await cancel(api, "manager", order, reason=" \u200b ")
    foreign = await cancel(api, "manager", order, lineItemIds=item_ids(other_item))
    none = await cancel(api, "manager", order, lineItemIds=[])
    stale = await cancel(api, "manager", order, expectedVersion=order.version - 1)
    [item] = await LineItem.filter(service_order_id=order.id)
    twice = await cancel(api, "manager", order, lineItemIds=item_ids(item, item))

    assert refused(blank, "serviceOrder") == ("VALIDATION", "reason")
    assert refused(foreign, "serviceOrder") == ("NOT_FOUND", "lineItemIds")
    assert refused(none, "serviceOrder") == ("VALIDATION", "lineItemIds")
    assert refused(twice, "serviceOrder") == ("VALIDATION", "lineItemIds")
    assert refused(stale, "serviceOrder") == ("CONFLICT", "expectedVersion")
    assert await snapshot() == before


async def test_cancelling_twice_is_refused(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE", "TV_VOICE_BUNDLE")
    mobile, _tv = await LineItem.filter(service_order_id=order.id).order_by("position")
    succeeded(await cancel(api, "manager", order, lineItemIds=item_ids(mobile)), "serviceOrder")
    before = await snapshot()

    again = await cancel(api, "manager", order, lineItemIds=item_ids(mobile))

    assert refused(again, "serviceOrder") == ("INVALID_STATE", "lineItemIds")
    assert await snapshot() == before


async def test_a_final_order_cannot_be_cancelled(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    await work_every_task(order.id, users)
    before = await snapshot()

    payload = await cancel(api, "manager", order)

    assert refused(payload, "serviceOrder") == ("INVALID_STATE", "serviceOrderId")
    assert await snapshot() == before


async def test_a_cancelled_task_keeps_its_assignee_who_is_told(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    allocate = await task_by_code(order.id, "allocate_sim")
    agent = await agent_for(allocate, users)
    await start_task(agent, allocate.id)

    succeeded(await cancel(api, "manager", order), "serviceOrder")

    cancelled = await Task.get(id=allocate.id)
    event = await Event.get(kind="task.cancelled", entity_id=allocate.id)
    assert (cancelled.state, cancelled.assignee_id) == ("CANCELLED", agent.id)
    assert event.payload["assigneeId"] == agent.id


async def test_a_compensating_task_is_worked_like_any_other(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    await work(order.id, users, "reserve_msisdn")
    succeeded(await cancel(api, "manager", order), "serviceOrder")
    release = await task_by_code(order.id, "release_msisdn", compensating=True)
    agent = await agent_for(release, users)

    await start_task(agent, release.id)
    await complete_task(agent, release.id)

    assert (await ServiceOrder.get(id=order.id)).state == "CANCELLED"


HISTORY = """query($id: ID!) {
  serviceOrder(id: $id) {
    history(first: 50) { edges { node { kind actor { username } payload } } }
  }
}"""


async def test_the_history_shows_who_cancelled_and_why(api: Api, users: Users) -> None:
    order = await new_order(users)
    succeeded(await cancel(api, "partner", order, reason="Duplicate order"), "serviceOrder")

    data = await api.data("partner", HISTORY, {"id": order_id(order)})

    events = [edge["node"] for edge in data["serviceOrder"]["history"]["edges"]]
    [cancelled] = [e for e in events if e["kind"] == "service_order.cancelled"]
    assert cancelled["actor"] == {"username": "partner"}
    assert cancelled["payload"]["reason"] == "Duplicate order"
    assert [e["kind"] for e in events][-2:] == [
        "line_item.state_changed",
        "service_order.state_changed",
    ]


async def test_an_item_cancelled_before_approval_is_not_planned(api: Api, users: Users) -> None:
    order = await submit_service_order(
        users["partner"],
        SubmitOrderInput(
            customer="ACME Corp",
            line_items=[LineItemInput("MOBILE_LINE"), LineItemInput("TV_VOICE_BUNDLE")],
        ),
    )
    mobile, _tv = await LineItem.filter(service_order_id=order.id).order_by("position")
    succeeded(await cancel(api, "partner", order, lineItemIds=item_ids(mobile)), "serviceOrder")

    await approve_service_order(users["manager"], order.id)

    found = await plan(api, order)
    assert found["state"] == "IN_PROGRESS"
    assert [(i["state"], len(i["domainOrders"])) for i in found["lineItems"]] == [
        ("CANCELLED", 0),
        ("PENDING", 6),
    ]
    assert found["lineItems"][0]["soldProduct"] is None
    await work_every_task(order.id, users)
    assert (await plan(api, order))["state"] == "PARTIAL"


async def test_past_the_point_of_no_return_the_state_is_refused_before_the_reason(
    api: Api, users: Users
) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    await work(order.id, users, "allocate_sim")
    dispatch = await task_by_code(order.id, "dispatch_sim")
    await start_task(await agent_for(dispatch, users), dispatch.id)

    payload = await cancel(api, "manager", order, reason=" ")

    assert refused(payload, "serviceOrder") == ("INVALID_STATE", "serviceOrderId")
