"""submitServiceOrder: partner systems (and managers) submit orders."""

from __future__ import annotations

from typing import Any

import pytest

from models import Event, ServiceOrder
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users, new_order, refused, succeeded

SUBMIT = """
mutation Submit($input: SubmitServiceOrderInput!) {
  submitServiceOrder(input: $input) {
    serviceOrder {
      number state customer externalId priority
      lineItems { action quantity characteristics state specification { code } }
      submittedBy { username }
    }
    userErrors { code message field }
  }
}"""


def order_input(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "customer": "Globex",
        "externalId": "CRM-1",
        "priority": "HIGH",
        "lineItems": [
            {
                "specificationCode": "FIBRE_BROADBAND",
                "quantity": 1,
                "characteristics": {"ipVersion": "IPV4"},
            }
        ],
    }
    values.update(overrides)
    return values


async def submit(api: Api, username: str, **overrides: Any) -> dict[str, Any]:
    data = await api.data(username, SUBMIT, {"input": order_input(**overrides)})
    payload: dict[str, Any] = data["submitServiceOrder"]
    return payload


async def test_a_partner_submits_a_new_order(api: Api, users: Users) -> None:
    order = succeeded(await submit(api, "partner"), "serviceOrder")
    assert order == {
        "number": "SO0001001",
        "state": "NEW",
        "customer": "Globex",
        "externalId": "CRM-1",
        "priority": "HIGH",
        "lineItems": [
            {
                "action": "ADD",
                "quantity": 1,
                "characteristics": {"ipVersion": "IPV4"},
                "state": "PENDING",
                "specification": {"code": "FIBRE_BROADBAND"},
            }
        ],
        "submittedBy": {"username": "partner"},
    }


@pytest.mark.parametrize("username", ["agent1", "viewer", "admin"])
async def test_roles_that_do_not_submit_are_forbidden(
    api: Api, users: Users, username: str
) -> None:
    assert refused(await submit(api, username), "serviceOrder") == ("FORBIDDEN", None)
    assert await ServiceOrder.all().count() == 0
    assert await Event.all().count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lineItems": []}, "lineItems"),
        ({"customer": "  "}, "customer"),
        ({"lineItems": [{"specificationCode": "NO_SUCH"}]}, "lineItems[0].specificationCode"),
        ({"lineItems": [{"specificationCode": "SIM_CARD"}]}, "lineItems[0].specificationCode"),
        (
            {"lineItems": [{"specificationCode": "MOBILE_LINE", "quantity": 0}]},
            "lineItems[0].quantity",
        ),
        (
            {"lineItems": [{"specificationCode": "MOBILE_LINE", "characteristics": [1, 2]}]},
            "lineItems[0].characteristics",
        ),
    ],
)
async def test_an_invalid_order_is_refused(
    api: Api, users: Users, overrides: dict[str, Any], field: str
) -> None:
    payload = await submit(api, "partner", **overrides)
    assert refused(payload, "serviceOrder") == ("VALIDATION", field)
    assert await ServiceOrder.all().count() == 0


async def test_an_external_id_used_before_by_the_same_partner_conflicts(
    api: Api, users: Users
) -> None:
    await new_order(users, external_id="CRM-1")
    payload = await submit(api, "partner", externalId="CRM-1")
    assert refused(payload, "serviceOrder") == ("CONFLICT", "externalId")
    assert await ServiceOrder.all().count() == 1
