"""A sold product's change reaches the subscribers of the order that made it, live: the
partner that submitted a MODIFY sees `sold_product.modified` on `serviceOrderChanged`, with the
characteristics before and after, and a partner of another order sees nothing of it."""

from __future__ import annotations

from typing import Any

from models import User
from models.enums import LineItemAction
from services.orders import LineItemInput, SubmitOrderInput, submit_service_order
from tests.api.mutations.helpers import order_id
from tests.services.installed_base import active_product, change_order
from tests.services.task_plans import work_every_task
from tests.subscriptions.live_server import LiveServer

ORDER_CHANGED = """subscription($id: ID) {
  serviceOrderChanged(serviceOrderId: $id) {
    kind entityType previousState newState payload serviceOrder { number state }
  }
}"""


async def test_the_partner_of_a_modify_sees_its_product_modified_live(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given a partner's MODIFY in progress, followed by that partner and by another partner
    product = await active_product(users, "MOBILE_LINE", {"plan": "M"})
    order = await change_order(users, LineItemAction.MODIFY, product, {"plan": "L"})
    partner2 = await User.create(
        username="partner2", display_name="Other partner", roles=["INTEGRATOR"]
    )
    partner = await server.client("partner")
    other = await server.client("partner2")
    await partner.subscribe_and_wait("1", ORDER_CHANGED, {"id": order_id(order)})
    await other.subscribe_and_wait("1", ORDER_CHANGED, {"id": None})

    # when its work is done
    await work_every_task(order.id, users)

    # then the partner gets the product's change, in the order's stream, before the order ends
    seen: list[dict[str, Any]] = []
    while not seen or seen[-1]["kind"] != "service_order.state_changed":
        seen.append((await partner.next_data("1"))["serviceOrderChanged"])
    [modified] = [e for e in seen if e["kind"] == "sold_product.modified"]
    assert (modified["entityType"], modified["previousState"], modified["newState"]) == (
        "sold_product",
        "ACTIVE",
        "ACTIVE",
    )
    assert modified["payload"]["previousCharacteristics"] == {"plan": "M"}
    assert modified["payload"]["characteristics"] == {"plan": "L"}
    assert modified["serviceOrder"] == {"number": order.number, "state": "COMPLETED"}
    assert seen[-1]["newState"] == "COMPLETED"
    # the other partner's first delivery is its own order submitted after all that
    own = await submit_service_order(
        partner2, SubmitOrderInput(customer="Globex", line_items=[LineItemInput("MOBILE_LINE")])
    )
    first = (await other.next_data("1"))["serviceOrderChanged"]
    assert (first["kind"], first["serviceOrder"]["number"]) == (
        "service_order.submitted",
        own.number,
    )
    await partner.close()
    await other.close()
