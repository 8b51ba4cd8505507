"""The point of no return and compensators in the API: on templates, tasks and line items."""

from __future__ import annotations

from typing import Any

from models import Event, FalloutRecord, Task, User
from models.enums import FalloutType, TaskState
from services.fallouts import create_fallout
from services.tasks import start_task
from tests.api.graphql import Api
from tests.api.mutations.helpers import fallout_id, order_id
from tests.services.orders.plan_work import task_by_code, work
from tests.services.task_plans import agent_for, approved_order

TEMPLATES = """{
  serviceSpecifications {
    code
    taskTemplates { code isPointOfNoReturn compensatedBy { code name } }
  }
}"""
ITEM = """query($id: ID!) {
  serviceOrder(id: $id) {
    lineItems {
      pointOfNoReturnReachedAt viewerCan { cancel }
      domainOrders { tasks { name isPointOfNoReturn compensates { name } } }
    }
  }
}"""


async def test_templates_show_their_mark_and_their_compensator(
    api: Api, users: dict[str, User]
) -> None:
    data = await api.data("partner", TEMPLATES)

    templates = {
        (spec["code"], t["code"]): t
        for spec in data["serviceSpecifications"]
        for t in spec["taskTemplates"]
    }
    assert templates[("GPON_ACCESS_RFS", "install_fibre_drop")]["isPointOfNoReturn"] is True
    assert templates[("ONT_DEVICE", "ship_ont")] == {
        "code": "ship_ont",
        "isPointOfNoReturn": False,
        "compensatedBy": {"code": "recover_ont", "name": "Recover the ONT"},
    }
    assert templates[("ONT_DEVICE", "recover_ont")]["compensatedBy"] is None


async def test_starting_the_marked_task_shows_on_the_item(api: Api, users: dict[str, User]) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    await work(order.id, users, "ship_ont", "site_survey")
    before = (await api.data("manager", ITEM, {"id": order_id(order)}))["serviceOrder"]
    install = await task_by_code(order.id, "install_fibre_drop")

    await start_task(await agent_for(install, users), install.id)

    after = (await api.data("manager", ITEM, {"id": order_id(order)}))["serviceOrder"]
    assert _item(before)["pointOfNoReturnReachedAt"] is None
    assert _item(before)["viewerCan"] == {"cancel": True}
    assert _item(after)["pointOfNoReturnReachedAt"] is not None
    assert _item(after)["viewerCan"] == {"cancel": False}
    marked = [
        task["name"]
        for domain_order in _item(after)["domainOrders"]
        for task in domain_order["tasks"]
        if task["isPointOfNoReturn"]
    ]
    assert marked == ["Install the fibre drop and mount the ONT"]


RESOLVE = """mutation($input: ResolveFalloutInput!) {
  resolveFallout(input: $input) { fallout { state } userErrors { code field } }
}"""
CANCEL = """mutation($input: CancelServiceOrderInput!) {
  cancelServiceOrder(input: $input) { serviceOrder { state } userErrors { code message field } }
}"""
DROP = "install_fibre_drop"


async def resolve_as_completed(api: Api, fallout: FalloutRecord) -> None:
    values = {"falloutId": fallout_id(fallout), "action": "COMPLETE_TASK", "note": "It is in"}
    data = await api.data("manager", RESOLVE, {"input": values})
    assert data["resolveFallout"] == {"fallout": {"state": "RESOLVED"}, "userErrors": []}


async def test_the_marked_task_completed_by_a_resolution_without_a_start_passes_it(
    api: Api, users: dict[str, User]
) -> None:
    # given a fibre line whose drop was reported before anyone started it
    order = await approved_order(users, "FIBRE_BROADBAND")
    await work(order.id, users, "ship_ont", "site_survey")
    install = await task_by_code(order.id, DROP)
    fallout = await create_fallout(users["manager"], install.id, FalloutType.OTHER, "No app")

    # when the manager resolves it as done (the crew installed it, the app failed them)
    await resolve_as_completed(api, fallout)

    # then the work behind the mark is done: the item is past its point of no return
    done = await Task.get(id=install.id)
    assert (done.state, done.started_at) == (TaskState.COMPLETED, None)
    found = (await api.data("manager", ITEM, {"id": order_id(order)}))["serviceOrder"]
    assert _item(found)["pointOfNoReturnReachedAt"] is not None
    assert _item(found)["viewerCan"] == {"cancel": False}
    refused = await api.data(
        "manager", CANCEL, {"input": {"serviceOrderId": order_id(order), "reason": "Moved"}}
    )
    [error] = refused["cancelServiceOrder"]["userErrors"]
    assert error["code"] == "INVALID_STATE"
    assert f"task {install.number} ({install.name}) was completed" in error["message"]
    passed = await Event.filter(kind="line_item.point_of_no_return_reached").values("payload")
    assert [event["payload"]["taskId"] for event in passed] == [install.id]


async def test_the_marked_task_completed_when_released_with_a_decided_outcome_passes_it(
    api: Api, users: dict[str, User]
) -> None:
    # given a fibre line whose drop, still waiting on the survey, a resolution decided done
    order = await approved_order(users, "FIBRE_BROADBAND")
    await work(order.id, users, "ship_ont")
    install = await task_by_code(order.id, DROP)
    fallout = await create_fallout(users["manager"], install.id, FalloutType.OTHER, "Early")
    await resolve_as_completed(api, fallout)
    waiting = (await api.data("manager", ITEM, {"id": order_id(order)}))["serviceOrder"]
    assert _item(waiting)["pointOfNoReturnReachedAt"] is None

    # when the survey is done, releasing the drop as decided
    await work(order.id, users, "site_survey")

    # then the drop is COMPLETED, never started, and the item past its point of no return
    done = await Task.get(id=install.id)
    assert (done.state, done.started_at) == (TaskState.COMPLETED, None)
    found = (await api.data("manager", ITEM, {"id": order_id(order)}))["serviceOrder"]
    assert _item(found)["pointOfNoReturnReachedAt"] is not None
    assert _item(found)["viewerCan"] == {"cancel": False}


async def test_the_marked_task_skipped_without_a_start_passes_nothing(
    api: Api, users: dict[str, User]
) -> None:
    # given a fibre line whose drop was reported before anyone started it
    order = await approved_order(users, "FIBRE_BROADBAND")
    await work(order.id, users, "ship_ont", "site_survey")
    install = await task_by_code(order.id, DROP)
    fallout = await create_fallout(users["manager"], install.id, FalloutType.OTHER, "Aerial")

    # when the manager skips it (no drop is needed after all)
    values = {"falloutId": fallout_id(fallout), "action": "SKIP_TASK", "note": "Aerial line"}
    await api.data("manager", RESOLVE, {"input": values})

    # then no work was done behind the mark: the item may still be cancelled
    found = (await api.data("manager", ITEM, {"id": order_id(order)}))["serviceOrder"]
    assert (await Task.get(id=install.id)).state is TaskState.SKIPPED
    assert _item(found)["pointOfNoReturnReachedAt"] is None
    assert _item(found)["viewerCan"] == {"cancel": True}


def _item(order: dict[str, Any]) -> dict[str, Any]:
    [item] = order["lineItems"]
    found: dict[str, Any] = item
    return found
