"""The installed base across an order's life (issues 10 and 12 together): what cancelling,
revising, rejecting or partly completing a MODIFY or DELETE order does to the product it
names, through the API."""

from __future__ import annotations

from typing import Any

from models import Event, LineItem, ServiceOrder, SoldProduct, Task
from models.enums import LineItemAction, TaskState
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, refused, succeeded
from tests.api.test_installed_base import change_input, pid, product_view, submit
from tests.services.installed_base import active_product, change_order
from tests.services.task_plans import work_every_task, work_task

CANCEL = """
mutation Cancel($input: CancelServiceOrderInput!) {
  cancelServiceOrder(input: $input) {
    serviceOrder { state lineItems { action state } }
    userErrors { code message field }
  }
}"""

REVISE = """
mutation Revise($input: ReviseServiceOrderInput!) {
  reviseServiceOrder(input: $input) {
    serviceOrder { revision lineItems { characteristics } }
    userErrors { code message field }
  }
}"""

APPROVE = """
mutation Approve($id: ID!) {
  approveServiceOrder(input: {serviceOrderId: $id}) { userErrors { code message field } }
}"""

REJECT = """
mutation Reject($id: ID!) {
  rejectServiceOrder(input: {serviceOrderId: $id, reason: "Wrong tariff"}) {
    userErrors { code message field }
  }
}"""

FIBRE = "FIBRE_BROADBAND"
IPV4 = {"ipVersion": "IPV4", "bandwidth": "500M"}
DUAL = {"ipVersion": "DUAL_STACK", "bandwidth": "500M"}


async def cancel(api: Api, order: ServiceOrder, **extra: Any) -> dict[str, Any]:
    values = {"serviceOrderId": gid("ServiceOrder", order.id), "reason": "Withdrawn", **extra}
    payload: dict[str, Any] = (await api.data("manager", CANCEL, {"input": values}))[
        "cancelServiceOrder"
    ]
    return payload


async def work_ready(order: ServiceOrder, users: Users, name_starts: str) -> None:
    """Work the READY tasks of `order` whose names start so."""
    for task in await Task.filter(service_order_id=order.id, state=TaskState.READY):
        if task.name.startswith(name_starts):
            await work_task(task, users)


async def test_a_modify_cancelled_after_work_was_done_leaves_the_product_as_it_was(
    api: Api, users: Users
) -> None:
    # given a MODIFY to dual stack whose IPv6 prefix was already allocated
    product = await active_product(users, FIBRE, IPV4)
    order = await change_order(users, LineItemAction.MODIFY, product, DUAL)
    await work_ready(order, users, "Allocate a /56 IPv6 prefix")

    # when it is cancelled
    cancelled = succeeded(await cancel(api, order), "serviceOrder")

    # then the item undoes its work (CANCELLING), and meanwhile still holds the product
    assert cancelled["lineItems"] == [{"action": "MODIFY", "state": "CANCELLING"}]
    during = await product_view(api, product)
    code, field = refused(
        await submit(api, change_input(pid(product), "DELETE", code=FIBRE)), "serviceOrder"
    )
    assert (code, field) == ("CONFLICT", "lineItems[0].soldProductId")
    # once the prefix is released the item is CANCELLED, the product unchanged and free again
    await work_every_task(order.id, users)
    after = await product_view(api, product)
    for view in (during, after):
        assert (view["state"], view["characteristics"]) == ("ACTIVE", IPV4)
        assert [e["node"]["kind"] for e in view["history"]["edges"]] == ["sold_product.activated"]
    assert [(i["action"], i["characteristics"]) for i in after["lineItems"]] == [
        ("ADD", IPV4),
        ("MODIFY", DUAL),
    ]
    assert (await LineItem.get(service_order_id=order.id)).state == "CANCELLED"
    succeeded(await submit(api, change_input(pid(product), "DELETE", code=FIBRE)), "serviceOrder")


async def test_a_delete_cancelled_after_billing_stopped_leaves_the_product_active(
    api: Api, users: Users
) -> None:
    # given a DELETE whose first task (stop billing) is done
    product = await active_product(users, "MOBILE_LINE")
    order = await change_order(users, LineItemAction.DELETE, product)
    await work_ready(order, users, "Stop mobile billing")

    # when it is cancelled
    succeeded(await cancel(api, order), "serviceOrder")
    await work_every_task(order.id, users)

    # then the product is still ACTIVE, its history untouched
    view = await product_view(api, product)
    assert view["state"] == "ACTIVE"
    assert [e["node"]["kind"] for e in view["history"]["edges"]] == ["sold_product.activated"]
    assert (await ServiceOrder.get(id=order.id)).state == "CANCELLED"


async def test_a_modify_revised_in_flight_applies_the_revised_characteristics(
    api: Api, users: Users
) -> None:
    # given a MODIFY to plan L, in progress
    product = await active_product(users, "MOBILE_LINE", {"plan": "M"})
    order = await change_order(users, LineItemAction.MODIFY, product, {"plan": "L"})
    item = await LineItem.get(service_order_id=order.id)

    # when the manager revises it to plan XL, and the work is done
    line = {
        "id": gid("LineItem", item.id),
        "specificationCode": "MOBILE_LINE",
        "action": "MODIFY",
        "soldProductId": pid(product),
        "characteristics": {"plan": "XL"},
    }
    values = {"serviceOrderId": gid("ServiceOrder", order.id), "reason": "XL", "lineItems": [line]}
    revised = succeeded(
        (await api.data("manager", REVISE, {"input": values}))["reviseServiceOrder"],
        "serviceOrder",
    )
    await work_every_task(order.id, users)

    # then the product has the revised characteristics, and the ones it had in its history
    assert revised["revision"] == 1
    view = await product_view(api, product)
    assert (view["state"], view["characteristics"]) == ("ACTIVE", {"plan": "XL"})
    modified = view["history"]["edges"][-1]["node"]
    assert modified["payload"]["previousCharacteristics"] == {"plan": "M"}
    assert await SoldProduct.all().count() == 1


async def test_a_modify_revised_without_characteristics_is_refused_and_changes_nothing(
    api: Api, users: Users
) -> None:
    # given a MODIFY to plan L, in progress
    product = await active_product(users, "MOBILE_LINE", {"plan": "M"})
    order = await change_order(users, LineItemAction.MODIFY, product, {"plan": "L"})
    item = await LineItem.get(service_order_id=order.id)
    before = (await LineItem.get(id=item.id)).characteristics, await Event.all().count()

    # when the manager revises it and leaves the characteristics out
    line = {
        "id": gid("LineItem", item.id),
        "specificationCode": "MOBILE_LINE",
        "action": "MODIFY",
        "soldProductId": pid(product),
    }
    values = {"serviceOrderId": gid("ServiceOrder", order.id), "reason": "?", "lineItems": [line]}
    payload = (await api.data("manager", REVISE, {"input": values}))["reviseServiceOrder"]

    # then it is refused: a MODIFY states all the characteristics (none would empty them)
    assert refused(payload, "serviceOrder") == ("VALIDATION", "lineItems[0].characteristics")
    assert ((await LineItem.get(id=item.id)).characteristics, await Event.all().count()) == before


async def test_a_modify_completed_in_an_order_that_ends_partial_is_applied(
    api: Api, users: Users
) -> None:
    # given an order with a MODIFY of a product and a new line, approved
    product = await active_product(users, "MOBILE_LINE", {"plan": "M"})
    values = change_input(pid(product), characteristics={"plan": "L"})
    values["lineItems"].append({"specificationCode": "MOBILE_LINE", "characteristics": {}})
    submitted = succeeded(await submit(api, values), "serviceOrder")
    order = await ServiceOrder.get(number=submitted["number"])
    await api.data("manager", APPROVE, {"id": gid("ServiceOrder", order.id)})
    new_line = await LineItem.get(service_order_id=order.id, action=LineItemAction.ADD)

    # when the new line is cancelled and the MODIFY is worked to the end
    succeeded(await cancel(api, order, lineItemIds=[gid("LineItem", new_line.id)]), "serviceOrder")
    await work_every_task(order.id, users)

    # then the order is PARTIAL, the changed product has the new plan, the new one is CANCELLED
    assert (await ServiceOrder.get(id=order.id)).state == "PARTIAL"
    view = await product_view(api, product)
    assert (view["state"], view["characteristics"]) == ("ACTIVE", {"plan": "L"})
    assert (await SoldProduct.get(line_item_id=new_line.id)).state == "CANCELLED"


async def test_a_rejected_modify_holds_its_product_until_it_is_cancelled(
    api: Api, users: Users
) -> None:
    # given a MODIFY the manager rejected (a rejected order may be reopened: it is open)
    product = await active_product(users, "MOBILE_LINE", {"plan": "M"})
    order = await change_order(users, LineItemAction.MODIFY, product, {"plan": "L"}, approve=False)
    await api.data("manager", REJECT, {"id": gid("ServiceOrder", order.id)})

    # when another order names the product, before and after the rejected one is cancelled
    held = await submit(api, change_input(pid(product), "DELETE"))
    succeeded(await cancel(api, order), "serviceOrder")
    freed = await submit(api, change_input(pid(product), "DELETE"))

    # then it is refused while the rejected order is open, accepted once it is cancelled
    assert refused(held, "serviceOrder") == ("CONFLICT", "lineItems[0].soldProductId")
    assert order.number in held["userErrors"][0]["message"]
    succeeded(freed, "serviceOrder")
    view = await product_view(api, product)
    assert (view["state"], view["characteristics"]) == ("ACTIVE", {"plan": "M"})


async def test_a_modify_no_part_of_the_product_reacts_to_completes_at_approval(
    api: Api, users: Users
) -> None:
    # given a fibre line and a MODIFY of a characteristic no part of it depends on
    product = await active_product(users, FIBRE, IPV4)
    labelled = {**IPV4, "label": "Back office"}
    order = await change_order(users, LineItemAction.MODIFY, product, labelled, approve=False)

    # when it is approved: there is nothing to do
    approved = await api.data("manager", APPROVE, {"id": gid("ServiceOrder", order.id)})

    # then the item and the order are COMPLETED at once, and the product has the new values
    assert approved["approveServiceOrder"]["userErrors"] == []
    assert (await LineItem.get(service_order_id=order.id)).state == "COMPLETED"
    assert (await ServiceOrder.get(id=order.id)).state == "COMPLETED"
    view = await product_view(api, product)
    assert (view["state"], view["characteristics"]) == ("ACTIVE", labelled)
    assert view["history"]["edges"][-1]["node"]["payload"]["previousCharacteristics"] == IPV4
    # and the product is free for the next change
    succeeded(await submit(api, change_input(pid(product), "DELETE", code=FIBRE)), "serviceOrder")


async def test_a_modify_revised_in_flight_to_nothing_to_do_completes_and_applies(
    api: Api, users: Users
) -> None:
    # given a bandwidth upgrade of a fibre line, in progress
    product = await active_product(users, FIBRE, IPV4)
    order = await change_order(users, LineItemAction.MODIFY, product, {**IPV4, "bandwidth": "1G"})
    item = await LineItem.get(service_order_id=order.id)

    # when the manager revises it to the old bandwidth and a label no part reacts to
    labelled = {**IPV4, "label": "Back office"}
    line = {
        "id": gid("LineItem", item.id),
        "specificationCode": FIBRE,
        "action": "MODIFY",
        "soldProductId": pid(product),
        "characteristics": labelled,
    }
    values = {"serviceOrderId": gid("ServiceOrder", order.id), "reason": "No upgrade after all"}
    revised = (await api.data("manager", REVISE, {"input": {**values, "lineItems": [line]}}))[
        "reviseServiceOrder"
    ]

    # then the upgrade's tasks are cancelled, but the item and the order are COMPLETED (it was
    # revised, not cancelled), and the product has the revised characteristics
    succeeded(revised, "serviceOrder")
    tasks = await Task.filter(service_order_id=order.id)
    assert tasks and {t.state for t in tasks} == {TaskState.CANCELLED}
    assert (await LineItem.get(id=item.id)).state == "COMPLETED"
    assert (await ServiceOrder.get(id=order.id)).state == "COMPLETED"
    view = await product_view(api, product)
    assert (view["state"], view["characteristics"]) == ("ACTIVE", labelled)
