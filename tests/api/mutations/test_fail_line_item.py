"""resolveFallout with FAIL_LINE_ITEM: the work cannot be done, so the task's line item fails.

Its open work is cancelled and its done work undone as a cancellation does it; the item ends
FAILED (not CANCELLED) and the order follows its items: FAILED alone, PARTIAL beside work
that completed."""

from __future__ import annotations

from typing import Any

from models import Event, FalloutRecord, LineItem, ServiceOrder, Task, User
from models.enums import FalloutType, LineItemAction, TaskState
from services.fallouts import create_fallout
from services.orders import LineItemInput, RevisedItemInput, revise_service_order
from services.orders.cancel import cancel_service_order
from services.tasks import start_task
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users, fallout_id, order_id, refused, succeeded
from tests.services.installed_base import CHANGED, active_product, change_order
from tests.services.orders.plan_work import task_by_code, work, work_compensations
from tests.services.task_plans import (
    agent_for,
    approved_order,
    snapshot,
    start_either,
    work_every_task,
)

RESOLVE = """
mutation Resolve($input: ResolveFalloutInput!) {
  resolveFallout(input: $input) {
    fallout { state resolution { action note } task { state } }
    userErrors { code message field }
  }
}"""
PLAN = """
query Plan($id: ID!) {
  serviceOrder(id: $id) {
    state
    progress { totalTasks completedTasks }
    lineItems {
      state failedAt failureReason cancelledAt viewerCan { cancel revise }
      progress { totalTasks completedTasks }
      soldProduct { state characteristics }
      domainOrders { state tasks { name state compensates { name } } }
    }
  }
}"""
NOTE = "The duct is collapsed; no route to the premises"


async def fallout_on(users: Users, order: ServiceOrder, code: str, **kind: bool) -> FalloutRecord:
    """A fallout reported by the agent who started the task of `code` (now ON_HOLD)."""
    task = await task_by_code(order.id, code, **kind)
    agent = await agent_for(task, users)
    await start_task(agent, task.id)
    return await create_fallout(agent, task.id, FalloutType.PROVISIONING_FAILURE, "Stuck")


async def resolve(
    api: Api, fallout: FalloutRecord, username: str = "manager", **values: Any
) -> dict[str, Any]:
    values = {"falloutId": fallout_id(fallout), "action": "FAIL_LINE_ITEM", "note": NOTE} | values
    data = await api.data(username, RESOLVE, {"input": values})
    payload: dict[str, Any] = data["resolveFallout"]
    return payload


async def plan(api: Api, order: ServiceOrder) -> dict[str, Any]:
    found: dict[str, Any] = (await api.data("manager", PLAN, {"id": order_id(order)}))[
        "serviceOrder"
    ]
    return found


def tasks_of(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for d in item["domainOrders"] for t in d["tasks"]}


async def test_a_one_item_order_whose_item_fails_is_failed(api: Api, users: Users) -> None:
    # given a mobile line whose SIM cannot be allocated, its number reservation in a worker's
    # hands
    order = await approved_order(users, "MOBILE_LINE")
    reserve = await task_by_code(order.id, "reserve_msisdn")
    await start_either(reserve, users)
    fallout = await fallout_on(users, order, "allocate_sim")

    # when the manager resolves the fallout: the line item fails
    resolved = succeeded(await resolve(api, fallout), "fallout")

    # then the fallout is resolved so, and every task of the item is cancelled (nothing done
    # needs undoing): the item and the order are FAILED, the product never comes
    assert resolved == {
        "state": "RESOLVED",
        "resolution": {"action": "FAIL_LINE_ITEM", "note": NOTE},
        "task": {"state": "CANCELLED"},
    }
    found = await plan(api, order)
    assert found["state"] == "FAILED"
    [item] = found["lineItems"]
    assert (item["state"], item["failureReason"], item["cancelledAt"]) == ("FAILED", NOTE, None)
    assert item["failedAt"] is not None
    assert item["viewerCan"] == {"cancel": False, "revise": False}
    assert item["soldProduct"]["state"] == "CANCELLED"
    assert {t["state"] for t in tasks_of(item).values()} == {"CANCELLED"}
    assert found["progress"] == {"totalTasks": 0, "completedTasks": 0}
    # the worker's lock ended with its task
    stored = await Task.get(id=reserve.id)
    assert (stored.state, stored.locked_by, stored.lock_expires_at) == (
        TaskState.CANCELLED,
        None,
        None,
    )
    failed = await Event.get(kind="line_item.failed")
    assert failed.actor_id == users["manager"].id
    assert failed.payload["reason"] == NOTE
    assert (failed.payload["falloutNumber"], failed.payload["taskId"]) == (
        fallout.number,
        fallout.task_id,
    )
    # the agent whose task it was is told, through their task's own event
    told = await Event.get(kind="task.cancelled", entity_id=fallout.task_id)
    assert told.payload["assigneeId"] == (await Task.get(id=fallout.task_id)).assignee_id
    last = await Event.filter(kind="service_order.state_changed").order_by("-id").first()
    assert last is not None and last.payload["state"] == "FAILED"


async def test_an_item_failing_beside_one_completing_leaves_the_order_partial(
    api: Api, users: Users
) -> None:
    # given two items, the first of which cannot be done
    order = await approved_order(users, "MOBILE_LINE", "TV_VOICE_BUNDLE")
    fallout = await fallout_on(users, order, "allocate_sim")

    # when it fails and the other is worked to the end
    succeeded(await resolve(api, fallout), "fallout")
    during = await plan(api, order)
    await work_every_task(order.id, users)

    # then the order went on while the other item worked, and ends PARTIAL
    assert during["state"] == "IN_PROGRESS"
    found = await plan(api, order)
    assert found["state"] == "PARTIAL"
    assert [(i["state"], i["soldProduct"]["state"]) for i in found["lineItems"]] == [
        ("FAILED", "CANCELLED"),
        ("COMPLETED", "ACTIVE"),
    ]
    # progress counts the completed item's work, none of the failed one's
    assert found["progress"] == found["lineItems"][1]["progress"]


async def test_an_item_failing_past_its_point_of_no_return_undoes_its_done_work_then_fails(
    api: Api, users: Users
) -> None:
    # given a fibre line whose ONT is shipped, prefix allocated, port configured and survey
    # done, and whose fibre drop (its point of no return) cannot be installed
    order = await approved_order(users, "FIBRE_BROADBAND")
    await work(
        order.id, users, "ship_ont", "allocate_ipv6_prefix", "configure_olt_port", "site_survey"
    )
    fallout = await fallout_on(users, order, "install_fibre_drop")
    assert (await LineItem.get(service_order_id=order.id)).point_of_no_return_reached_at

    # when the item fails
    succeeded(await resolve(api, fallout), "fallout")

    # then its done work is undone (in reverse order), the item meanwhile CANCELLING and the
    # order IN_PROGRESS (nobody cancelled it: TMF641's pendingCancellation would say so)
    cancelling = await plan(api, order)
    assert cancelling["state"] == "IN_PROGRESS"
    [item] = cancelling["lineItems"]
    assert item["state"] == "CANCELLING"
    undo = {n: t["compensates"]["name"] for n, t in tasks_of(item).items() if t["compensates"]}
    assert undo == {
        "Recover the ONT": "Ship the ONT to the installer",
        "Release the IPv6 prefix": "Allocate a /56 IPv6 prefix",
        "Release the OLT port and remove its service profile": "Configure the OLT port and "
        "service profile",
    }
    assert tasks_of(item)["Install the fibre drop and mount the ONT"]["state"] == "CANCELLED"
    assert item["soldProduct"]["state"] == "PENDING"
    done = await work_compensations(order.id, users)
    assert done.index("release_olt_port") < done.index("recover_ont")

    # and once the last is done the item is FAILED (not CANCELLED), and so is the order
    found = await plan(api, order)
    assert (found["state"], found["lineItems"][0]["state"]) == ("FAILED", "FAILED")
    assert found["lineItems"][0]["soldProduct"]["state"] == "CANCELLED"
    assert found["progress"] == {"totalTasks": 7, "completedTasks": 7}
    kinds = (
        await Event.filter(entity_type="line_item").order_by("id").values_list("kind", "new_state")
    )
    assert kinds[-3:] == [
        ("line_item.failed", "IN_PROGRESS"),
        ("line_item.state_changed", "CANCELLING"),
        ("line_item.state_changed", "FAILED"),
    ]


async def test_a_failed_modify_leaves_its_product_as_it_was(api: Api, users: Users) -> None:
    # given a mobile line's change of plan whose tariff change cannot be made
    product = await active_product(users, "MOBILE_LINE")
    order = await change_order(users, LineItemAction.MODIFY, product, CHANGED["MOBILE_LINE"])
    task = await Task.filter(service_order_id=order.id, state=TaskState.READY).first()
    assert task is not None
    await start_either(task, users)
    manager: User = users["manager"]
    fallout = await create_fallout(manager, task.id, FalloutType.BILLING_ISSUE, "Tariff gone")

    # when it fails
    succeeded(await resolve(api, fallout), "fallout")
    await work_every_task(order.id, users)

    # then the order is FAILED and the product still has what it had, free for another change
    found = await plan(api, order)
    assert (found["state"], found["lineItems"][0]["state"]) == ("FAILED", "FAILED")
    stored = await type(product).get(id=product.id)
    assert (stored.state, stored.characteristics) == (product.state, product.characteristics)
    await change_order(users, LineItemAction.MODIFY, product, CHANGED["MOBILE_LINE"])


async def test_bad_calls_are_refused_and_change_nothing(api: Api, users: Users) -> None:
    # given an open fallout, a resolved one, and one on a compensating task of a cancelled item
    order = await approved_order(users, "MOBILE_LINE")
    fallout = await fallout_on(users, order, "allocate_sim")
    other = await approved_order(users, "MOBILE_LINE")
    resolved = await fallout_on(users, other, "allocate_sim")
    succeeded(await resolve(api, resolved, action="RETRY_TASK"), "fallout")
    cancelled = await approved_order(users, "MOBILE_LINE")
    await work(cancelled.id, users, "allocate_sim")
    await cancel_service_order(users["manager"], cancelled.id, "Customer moved")
    undoing = await fallout_on(users, cancelled, "return_sim", compensating=True)
    before = await snapshot()

    # when each bad call is made
    agent = await resolve(api, fallout, "agent1")
    blank = await resolve(api, fallout, note=" \u200b ")
    not_open = await resolve(api, resolved)
    stale = await resolve(api, fallout, expectedVersion=fallout.version - 1)
    compensating = await resolve(api, undoing)

    # then each is refused with its code, and nothing changed, no event was written
    assert refused(agent, "fallout")[0] == "FORBIDDEN"
    assert refused(blank, "fallout") == ("VALIDATION", "note")
    assert refused(not_open, "fallout") == ("INVALID_STATE", "falloutId")
    assert refused(stale, "fallout") == ("CONFLICT", "expectedVersion")
    assert refused(compensating, "fallout") == ("INVALID_STATE", "falloutId")
    message = compensating["userErrors"][0]["message"]
    assert "cancelled" in message and "CANCELLING" in message
    assert await snapshot() == before


async def test_a_fallout_on_work_that_undoes_a_revision_cannot_fail_the_item(
    api: Api, users: Users
) -> None:
    # given a fibre line revised to IPv4 after its prefix was allocated: the prefix is being
    # released, and its release is stuck
    order = await approved_order(users, "FIBRE_BROADBAND")
    await work(order.id, users, "allocate_ipv6_prefix")
    [item] = await LineItem.filter(service_order_id=order.id)
    ipv4 = LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "IPV4"})
    await revise_service_order(
        users["manager"], order.id, "IPv4 only", [RevisedItemInput(item.id, ipv4)]
    )
    release = await task_by_code(order.id, "release_ipv6_prefix", compensating=True)
    await start_either(release, users)
    fallout = await create_fallout(users["manager"], release.id, FalloutType.OTHER, "Stuck")
    before = await snapshot()

    # when the manager tries to fail the item through it
    payload = await resolve(api, fallout)

    # then it is refused, naming the way out, and nothing changed
    assert refused(payload, "fallout") == ("INVALID_STATE", "falloutId")
    assert "SKIP_TASK" in payload["userErrors"][0]["message"]
    assert await snapshot() == before
