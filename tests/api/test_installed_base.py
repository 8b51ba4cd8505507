"""The installed base through the API: a customer's products, MODIFY and DELETE orders that act
on them, and what a completed item does to its product (issue 10)."""

from __future__ import annotations

from typing import Any

from models import Event, LineItem, ServiceOrder, SoldProduct, Task, User
from models.enums import LineItemAction, SoldProductState
from services.events.publisher import RecordingPublisher
from services.orders.cancel import cancel_service_order
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, refused, succeeded
from tests.services.installed_base import CUSTOMER, active_product, change_order
from tests.services.task_plans import approved_order, work_every_task

PRODUCT = """
query Product($id: ID!) {
  node(id: $id) {
    ... on SoldProduct {
      number state customer characteristics specification { code }
      createdBy { action }
      lineItems { action characteristics serviceOrder { number } }
      history { edges { node { kind previousState newState payload } } }
    }
  }
}"""

PRODUCTS = """
query Products($filter: SoldProductFilter) {
  soldProducts(filter: $filter) { totalCount edges { node { id state customer } } }
}"""

SUBMIT = """
mutation Submit($input: SubmitServiceOrderInput!) {
  submitServiceOrder(input: $input) {
    serviceOrder { number lineItems { action soldProduct { id state characteristics } } }
    userErrors { code message field }
  }
}"""

APPROVE = """
mutation Approve($id: ID!) {
  approveServiceOrder(input: {serviceOrderId: $id}) {
    serviceOrder { state }
    userErrors { code message field }
  }
}"""


def pid(product: SoldProduct) -> str:
    return gid("SoldProduct", product.id)


async def product_view(api: Api, product: SoldProduct, as_: str = "manager") -> Any:
    return (await api.data(as_, PRODUCT, {"id": pid(product)}))["node"]


def change_input(
    product_id: str | None,
    action: str = "MODIFY",
    *,
    code: str = "MOBILE_LINE",
    customer: str = CUSTOMER,
    **item: Any,
) -> dict[str, Any]:
    line = {
        "specificationCode": code,
        "action": action,
        "soldProductId": product_id,
        "characteristics": {},
        **item,
    }
    return {"customer": customer, "lineItems": [line]}


async def submit(api: Api, values: dict[str, Any], as_: str = "partner") -> dict[str, Any]:
    payload: dict[str, Any] = (await api.data(as_, SUBMIT, {"input": values}))["submitServiceOrder"]
    return payload


# --- Completion applies the change ----------------------------------------------------------


async def test_a_completed_add_makes_an_active_product_with_the_item_characteristics(
    api: Api, users: Users
) -> None:
    product = await active_product(users, "MOBILE_LINE", {"plan": "M"})

    view = await product_view(api, product)

    assert view["state"] == "ACTIVE"
    assert view["number"] == f"SP{product.id:07d}"
    assert (view["customer"], view["characteristics"]) == (CUSTOMER, {"plan": "M"})
    assert view["createdBy"] == {"action": "ADD"}
    [activated] = view["history"]["edges"]
    assert activated["node"]["kind"] == "sold_product.activated"
    assert activated["node"]["payload"]["characteristics"] == {"plan": "M"}


async def test_a_completed_modify_changes_the_same_product_and_keeps_the_old_values(
    api: Api, users: Users
) -> None:
    product = await active_product(users, "MOBILE_LINE", {"plan": "M"})
    order = await change_order(users, LineItemAction.MODIFY, product, {"plan": "L"})

    await work_every_task(order.id, users)

    view = await product_view(api, product)
    assert (view["state"], view["characteristics"]) == ("ACTIVE", {"plan": "L"})
    assert [i["action"] for i in view["lineItems"]] == ["ADD", "MODIFY"]
    modified = view["history"]["edges"][-1]["node"]
    assert modified["kind"] == "sold_product.modified"
    assert modified["payload"]["previousCharacteristics"] == {"plan": "M"}
    assert modified["payload"]["characteristics"] == {"plan": "L"}
    assert await SoldProduct.all().count() == 1


async def test_a_completed_delete_terminates_the_product(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")
    order = await change_order(users, LineItemAction.DELETE, product)

    await work_every_task(order.id, users)

    view = await product_view(api, product)
    assert view["state"] == "TERMINATED"
    assert view["history"]["edges"][-1]["node"]["kind"] == "sold_product.terminated"
    assert await SoldProduct.all().count() == 1


async def test_a_delete_stops_billing_before_anything_is_torn_down(users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")
    order = await change_order(users, LineItemAction.DELETE, product)

    ready = [t.name for t in await Task.filter(service_order_id=order.id, state="READY")]

    assert ready == ["Stop mobile billing"]


async def test_a_line_item_shows_the_product_it_changes(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")
    order = await change_order(users, LineItemAction.DELETE, product, approve=False)

    data = await api.data(
        "manager",
        "query($id: ID!) { serviceOrder(id: $id) { lineItems { soldProduct { id state } } } }",
        {"id": gid("ServiceOrder", order.id)},
    )

    assert data["serviceOrder"]["lineItems"] == [
        {"soldProduct": {"id": pid(product), "state": "ACTIVE"}}
    ]


# --- Submit refuses, and writes nothing -----------------------------------------------------


async def written() -> tuple[object, ...]:
    """What a refused submission must leave as it was: the orders, items, events, products."""
    products = await SoldProduct.all().order_by("id").values_list("id", "state", "characteristics")
    return (
        await ServiceOrder.all().count(),
        await LineItem.all().count(),
        await Event.all().count(),
        products,
    )


async def refusal(
    api: Api, values: dict[str, Any], as_: str = "partner"
) -> tuple[str, str | None, str]:
    before = await written()
    payload = await submit(api, values, as_)
    code, field = refused(payload, "serviceOrder")
    assert await written() == before
    return code, field, payload["userErrors"][0]["message"]


async def test_a_modify_without_a_product_is_refused(api: Api, users: Users) -> None:
    code, field, _ = await refusal(api, change_input(None))

    assert (code, field) == ("VALIDATION", "lineItems[0].soldProductId")


async def test_a_modify_without_characteristics_is_refused_rather_than_emptying_the_product(
    api: Api, users: Users
) -> None:
    # given an active product with characteristics
    product = await active_product(users, "MOBILE_LINE")
    values = change_input(pid(product))
    del values["lineItems"][0]["characteristics"]

    # when a partner submits a MODIFY of it that leaves the characteristics out
    code, field, message = await refusal(api, values)

    # then it is refused (a MODIFY states all of them), and the product is as it was
    assert (code, field) == ("VALIDATION", "lineItems[0].characteristics")
    assert "all of them" in message


async def test_a_modify_may_clear_the_characteristics_by_sending_an_empty_object(
    api: Api, users: Users
) -> None:
    product = await active_product(users, "MOBILE_LINE")

    payload = await submit(api, change_input(pid(product), characteristics={}))

    assert payload["userErrors"] == []


async def test_a_delete_needs_no_characteristics(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")
    values = change_input(pid(product), "DELETE")
    del values["lineItems"][0]["characteristics"]

    payload = await submit(api, values)

    assert payload["userErrors"] == []


async def test_an_add_naming_a_product_is_refused(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")

    code, field, _ = await refusal(api, change_input(pid(product), "ADD"))

    assert (code, field) == ("VALIDATION", "lineItems[0].soldProductId")


async def test_an_unknown_product_is_not_found(api: Api, users: Users) -> None:
    code, field, _ = await refusal(api, change_input(gid("SoldProduct", 999)))

    assert (code, field) == ("NOT_FOUND", "lineItems[0].soldProductId")


async def test_an_id_of_something_else_than_a_product_is_not_found(api: Api, users: Users) -> None:
    order = await change_order(
        users, LineItemAction.DELETE, await active_product(users, "MOBILE_LINE"), approve=False
    )

    code, field, _ = await refusal(api, change_input(gid("ServiceOrder", order.id)))

    assert (code, field) == ("NOT_FOUND", "lineItems[0].soldProductId")


async def test_a_product_id_that_is_no_id_is_refused(api: Api, users: Users) -> None:
    code, field, _ = await refusal(api, change_input("not-an-id"))

    assert (code, field) == ("VALIDATION", "lineItems[0].soldProductId")


async def test_a_product_of_another_customer_is_refused(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")

    code, field, message = await refusal(api, change_input(pid(product), customer="Globex"))

    assert (code, field) == ("VALIDATION", "lineItems[0].soldProductId")
    assert "another customer" in message


async def test_a_product_that_is_not_active_is_refused(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")  # its product is PENDING
    product = await SoldProduct.get(line_item__service_order_id=order.id)

    code, field, message = await refusal(api, change_input(pid(product), "DELETE"))

    assert (code, field) == ("VALIDATION", "lineItems[0].soldProductId")
    assert "PENDING" in message


async def test_a_terminated_product_is_refused(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")
    await work_every_task((await change_order(users, LineItemAction.DELETE, product)).id, users)

    code, field, message = await refusal(
        api, change_input(pid(product), characteristics={"plan": "L"})
    )

    assert (code, field) == ("VALIDATION", "lineItems[0].soldProductId")
    assert "TERMINATED" in message


async def test_a_change_of_another_specification_is_refused(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")

    code, field, _ = await refusal(api, change_input(pid(product), code="TV_VOICE_BUNDLE"))

    assert (code, field) == ("VALIDATION", "lineItems[0].specificationCode")


async def test_a_modify_that_changes_the_quantity_is_refused(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")

    code, field, _ = await refusal(api, change_input(pid(product), quantity=2))

    assert (code, field) == ("VALIDATION", "lineItems[0].quantity")


async def test_one_order_changing_a_product_twice_is_refused(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")
    values = change_input(pid(product))
    values["lineItems"].append({**values["lineItems"][0], "action": "DELETE"})

    code, field, _ = await refusal(api, values)

    assert (code, field) == ("VALIDATION", "lineItems[1].soldProductId")


async def test_a_product_another_open_order_changes_is_a_conflict_naming_it(
    api: Api, users: Users
) -> None:
    product = await active_product(users, "MOBILE_LINE")
    other = await change_order(users, LineItemAction.MODIFY, product, {"plan": "L"}, approve=False)

    code, field, message = await refusal(api, change_input(pid(product), "DELETE"))

    assert (code, field) == ("CONFLICT", "lineItems[0].soldProductId")
    assert other.number in message


async def test_a_product_is_free_again_once_its_change_is_final(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")
    other = await change_order(users, LineItemAction.MODIFY, product, {"plan": "L"})
    await work_every_task(other.id, users)

    order = succeeded(await submit(api, change_input(pid(product), "DELETE")), "serviceOrder")

    assert order["lineItems"] == [
        {
            "action": "DELETE",
            "soldProduct": {
                "id": pid(product),
                "state": "ACTIVE",
                "characteristics": {"plan": "L"},
            },
        }
    ]


async def test_a_partner_cannot_change_a_product_it_cannot_see(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE", submitter="manager")
    await User.create(username="partner2", display_name="Other partner", roles=["INTEGRATOR"])

    code, field, _ = await refusal(api, change_input(pid(product)), as_="partner2")

    assert (code, field) == ("NOT_FOUND", "lineItems[0].soldProductId")


# --- Approval checks again --------------------------------------------------------------------


async def test_approval_is_refused_while_another_approved_order_changes_the_product(
    api: Api, users: Users
) -> None:
    product = await active_product(users, "MOBILE_LINE")
    waiting = await change_order(users, LineItemAction.DELETE, product, approve=False)
    # As a race at submit or a revision could leave it: an approved order changing it too.
    approved = await approved_order(users, "MOBILE_LINE")
    await LineItem.filter(service_order_id=approved.id).update(
        action=LineItemAction.DELETE, changed_product_id=product.id
    )

    payload = (await api.data("manager", APPROVE, {"id": gid("ServiceOrder", waiting.id)}))[
        "approveServiceOrder"
    ]

    code, field = refused(payload, "serviceOrder")
    assert (code, field) == ("CONFLICT", "lineItems[0].soldProductId")
    assert approved.number in payload["userErrors"][0]["message"]
    assert (await ServiceOrder.get(id=waiting.id)).state == "NEW"


# --- Reading the installed base -------------------------------------------------------------


async def test_a_customers_products_are_listed_newest_first(api: Api, users: Users) -> None:
    first = await active_product(users, "MOBILE_LINE")
    second = await active_product(users, "MOBILE_LINE")
    await active_product(users, "MOBILE_LINE", customer="Globex")

    data = await api.data(
        "manager",
        PRODUCTS,
        {"filter": {"customer": CUSTOMER, "specificationCode": "MOBILE_LINE", "state": "ACTIVE"}},
    )

    assert data["soldProducts"]["totalCount"] == 2
    assert [e["node"]["id"] for e in data["soldProducts"]["edges"]] == [pid(second), pid(first)]


async def test_a_partner_reads_the_products_it_ordered_or_changed(api: Api, users: Users) -> None:
    own = await active_product(users, "MOBILE_LINE")
    changed = await active_product(users, "MOBILE_LINE", submitter="manager")
    change = await change_order(
        users, LineItemAction.MODIFY, changed, {"plan": "L"}, submitter="manager"
    )
    # A product a partner changed though another created it (as a partner taking over a
    # customer's account would): the change order is the partner's.
    await ServiceOrder.filter(id=change.id).update(submitted_by_id=users["partner"].id)
    hidden = await active_product(users, "MOBILE_LINE", submitter="manager")

    listed = await api.data("partner", PRODUCTS)
    by_node = [
        await api.data("partner", "query($id: ID!) { node(id: $id) { id } }", {"id": pid(p)})
        for p in (own, changed, hidden)
    ]

    assert [e["node"]["id"] for e in listed["soldProducts"]["edges"]] == [pid(changed), pid(own)]
    assert [d["node"] for d in by_node] == [{"id": pid(own)}, {"id": pid(changed)}, None]
    # The product it changed was created by an order it may not see.
    view = await product_view(api, changed, as_="partner")
    assert view["createdBy"] is None
    assert [i["action"] for i in view["lineItems"]] == ["MODIFY"]


async def test_the_order_list_filters_by_action(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")
    order = await change_order(users, LineItemAction.DELETE, product, approve=False)

    data = await api.data(
        "manager",
        "{ serviceOrders(filter: {action: DELETE}) { totalCount edges { node { number } } } }",
    )

    assert data["serviceOrders"]["totalCount"] == 1
    assert data["serviceOrders"]["edges"] == [{"node": {"number": order.number}}]


async def test_terminated_products_are_listed_by_state(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE")
    await work_every_task((await change_order(users, LineItemAction.DELETE, product)).id, users)

    data = await api.data("manager", PRODUCTS, {"filter": {"state": "TERMINATED"}})

    assert [e["node"]["state"] for e in data["soldProducts"]["edges"]] == ["TERMINATED"]
    assert (await SoldProduct.get(id=product.id)).state is SoldProductState.TERMINATED


# --- Cancellation and subscribers -----------------------------------------------------------


async def test_a_cancelled_modify_leaves_the_product_as_it_was(api: Api, users: Users) -> None:
    product = await active_product(users, "MOBILE_LINE", {"plan": "M"})
    order = await change_order(users, LineItemAction.MODIFY, product, {"plan": "L"})

    await cancel_service_order(users["manager"], order.id, "The customer changed their mind.")

    view = await product_view(api, product)
    assert (view["state"], view["characteristics"]) == ("ACTIVE", {"plan": "M"})
    assert [e["node"]["kind"] for e in view["history"]["edges"]] == ["sold_product.activated"]
    # Its change is final: the product may be changed again.
    again = await change_order(users, LineItemAction.DELETE, product, approve=False)
    assert again.state == "NEW"


async def test_a_cancelled_add_cancels_its_product(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    product = await SoldProduct.get(line_item__service_order_id=order.id)

    await cancel_service_order(users["manager"], order.id, "Duplicate order.")

    view = await product_view(api, product)
    assert view["state"] == "CANCELLED"
    assert view["history"]["edges"][-1]["node"]["kind"] == "sold_product.cancelled"


async def test_a_product_change_reaches_the_subscribers_of_the_order_that_made_it(
    users: Users, published: RecordingPublisher
) -> None:
    product = await active_product(users, "MOBILE_LINE", {"plan": "M"})
    order = await change_order(users, LineItemAction.MODIFY, product, {"plan": "L"})

    await work_every_task(order.id, users)

    [modified] = [e for e in published.published if e.kind == "sold_product.modified"]
    assert (modified.service_order_id, modified.entity_id) == (order.id, product.id)
