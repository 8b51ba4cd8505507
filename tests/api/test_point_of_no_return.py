"""The point of no return and compensators in the API: on templates, tasks and line items."""

from __future__ import annotations

from typing import Any

from models import User
from services.tasks import start_task
from tests.api.graphql import Api
from tests.api.mutations.helpers import order_id
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


def _item(order: dict[str, Any]) -> dict[str, Any]:
    [item] = order["lineItems"]
    found: dict[str, Any] = item
    return found
