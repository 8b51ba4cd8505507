"""reviseServiceOrder before approval: the line items changed in place, by the manager or the
partner that submitted the order. (In flight: test_revise_in_flight.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from models import Event, LineItem, ServiceOrder, User
from models.enums import Role
from services.orders import reject_service_order
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, new_order, order_id, refused, succeeded
from tests.services.task_plans import snapshot

REVISE = """
mutation Revise($input: ReviseServiceOrderInput!) {
  reviseServiceOrder(input: $input) {
    serviceOrder {
      state version revision
      lineItems { position quantity characteristics specification { code } }
    }
    userErrors { code message field }
  }
}"""


async def revise(api: Api, username: str, **values: Any) -> dict[str, Any]:
    data = await api.data(username, REVISE, {"input": values})
    payload: dict[str, Any] = data["reviseServiceOrder"]
    return payload


async def item_of(order: ServiceOrder) -> LineItem:
    [item] = await LineItem.filter(service_order_id=order.id)
    return item


def kept(item: LineItem, **changes: Any) -> dict[str, Any]:
    return {"id": gid("LineItem", item.id), "specificationCode": "MOBILE_LINE", **changes}


async def test_a_partner_revises_its_new_order_in_place(api: Api, users: Users) -> None:
    order = await new_order(users)
    item = await item_of(order)

    payload = await revise(
        api,
        "partner",
        serviceOrderId=order_id(order),
        reason="A second line, and two SIMs",
        lineItems=[
            kept(item, quantity=2),
            {"specificationCode": "FIBRE_BROADBAND", "characteristics": {"ipVersion": "IPV4"}},
        ],
    )

    revised = succeeded(payload, "serviceOrder")
    assert (revised["state"], revised["revision"], revised["version"]) == (
        "NEW",
        1,
        order.version + 1,
    )
    assert revised["lineItems"] == [
        {
            "position": 0,
            "quantity": 2,
            "characteristics": {},
            "specification": {"code": "MOBILE_LINE"},
        },
        {
            "position": 1,
            "quantity": 1,
            "characteristics": {"ipVersion": "IPV4"},
            "specification": {"code": "FIBRE_BROADBAND"},
        },
    ]


async def test_the_revised_event_carries_the_difference(api: Api, users: Users) -> None:
    order = await new_order(users)
    item = await item_of(order)

    await revise(
        api,
        "partner",
        serviceOrderId=order_id(order),
        reason="Fibre instead",
        lineItems=[{"specificationCode": "FIBRE_BROADBAND"}],
    )

    event = await Event.filter(service_order_id=order.id).order_by("-id").first()
    assert event is not None
    assert (event.kind, event.actor_id) == ("service_order.revised", users["partner"].id)
    assert event.payload == {
        "number": order.number,
        "version": order.version + 1,
        "revision": 1,
        "reason": "Fibre instead",
        "added": [
            {
                "position": 0,
                "action": "ADD",
                "specificationCode": "FIBRE_BROADBAND",
                "quantity": 1,
                "characteristics": {},
            }
        ],
        "removed": [
            {
                "lineItemId": item.id,
                "action": "ADD",
                "specificationCode": "MOBILE_LINE",
                "quantity": 1,
                "characteristics": {},
            }
        ],
        "changed": [],
    }
    assert not await LineItem.filter(id=item.id).exists()


async def test_a_rejected_order_revised_stays_rejected(api: Api, users: Users) -> None:
    order = await new_order(users)
    order = await reject_service_order(users["manager"], order.id, "Two lines were meant")
    item = await item_of(order)

    payload = await revise(
        api,
        "manager",
        serviceOrderId=order_id(order),
        reason="Two lines",
        lineItems=[kept(item, quantity=2)],
    )

    assert succeeded(payload, "serviceOrder")["state"] == "REJECTED"


async def test_a_partner_may_not_revise_another_partners_order(api: Api, users: Users) -> None:
    await User.create(username="partner2", display_name="Other", roles=[Role.INTEGRATOR.value])
    order = await new_order(users)
    item = await item_of(order)
    before = await snapshot()

    payload = await revise(
        api,
        "partner2",
        serviceOrderId=order_id(order),
        reason="Mine now",
        lineItems=[kept(item, quantity=2)],
    )

    assert refused(payload, "serviceOrder") == ("FORBIDDEN", "serviceOrderId")
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("line_items", "error"),
    [
        ([], ("VALIDATION", "lineItems")),
        (
            [{"specificationCode": "NO_SUCH_PRODUCT"}],
            ("VALIDATION", "lineItems[0].specificationCode"),
        ),
        (
            [{"specificationCode": "MOBILE_LINE", "quantity": 0}],
            ("VALIDATION", "lineItems[0].quantity"),
        ),
        ("same", ("VALIDATION", "lineItems")),
        ("other order's", ("NOT_FOUND", "lineItems[0].id")),
        ("twice", ("VALIDATION", "lineItems[1].id")),
        (
            [{"specificationCode": "MOBILE_LINE", "action": "MODIFY", "characteristics": {}}],
            ("VALIDATION", "lineItems[0].action"),
        ),
    ],
    ids=[
        "none",
        "unknown-product",
        "bad-quantity",
        "no-change",
        "item-of-another-order",
        "item-listed-twice",
        "new-modify",
    ],
)
async def test_a_bad_revision_is_refused_and_changes_nothing(
    api: Api, users: Users, line_items: Any, error: tuple[str, str]
) -> None:
    order = await new_order(users)
    item = await item_of(order)
    if line_items == "same":
        line_items = [kept(item)]
    elif line_items == "other order's":
        line_items = [kept(await item_of(await new_order(users)))]
    elif line_items == "twice":
        line_items = [kept(item, quantity=2), kept(item, quantity=3)]
    before = await snapshot()

    payload = await revise(
        api, "partner", serviceOrderId=order_id(order), reason="Because", lineItems=line_items
    )

    assert refused(payload, "serviceOrder") == error
    assert await snapshot() == before


async def test_a_revision_of_a_stale_version_is_a_conflict(api: Api, users: Users) -> None:
    order = await new_order(users)
    item = await item_of(order)

    payload = await revise(
        api,
        "partner",
        serviceOrderId=order_id(order),
        reason="Two SIMs",
        lineItems=[kept(item, quantity=2)],
        expectedVersion=order.version + 1,
    )

    assert refused(payload, "serviceOrder")[0] == "CONFLICT"


async def test_the_submitting_partner_is_offered_revise_before_approval(
    api: Api, users: Users
) -> None:
    order = await new_order(users)
    query = """query($id: ID!) {
      serviceOrder(id: $id) { viewerCan { revise } lineItems { viewerCan { revise } } }
    }"""

    as_partner = await api.data("partner", query, {"id": order_id(order)})
    as_viewer = await api.data("viewer", query, {"id": order_id(order)})

    assert as_partner["serviceOrder"] == {
        "viewerCan": {"revise": True},
        "lineItems": [{"viewerCan": {"revise": True}}],
    }
    assert as_viewer["serviceOrder"] == {
        "viewerCan": {"revise": False},
        "lineItems": [{"viewerCan": {"revise": False}}],
    }
