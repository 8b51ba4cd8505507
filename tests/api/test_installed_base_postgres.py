"""Two orders for one sold product at once, through the API (PostgreSQL, where requests run
side by side): one is taken, the other is refused with CONFLICT naming it, and nothing of the
refused one is written."""

from __future__ import annotations

import asyncio

import pytest

from models import LineItem, ServiceOrder
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users
from tests.api.test_installed_base import SUBMIT, change_input, pid
from tests.services.installed_base import active_product
from tests.services.test_concurrency_postgres import pool_of

pytestmark = pytest.mark.postgres_only


async def test_a_modify_and_a_delete_submitted_at_once_for_one_product_one_is_taken(
    api: Api, users: Users
) -> None:
    # given an ACTIVE product
    product = await active_product(users, "MOBILE_LINE", {"plan": "M"})
    orders = await ServiceOrder.all().count()
    changes = [
        change_input(pid(product), "MODIFY", characteristics={"plan": "L"}),
        change_input(pid(product), "DELETE"),
    ]

    # when a MODIFY and a DELETE of it are submitted at the same time
    async with pool_of(4):
        bodies = await asyncio.gather(
            *(api.data("partner", SUBMIT, {"input": values}) for values in changes)
        )

    # then one order is taken and the other refused, naming it
    payloads = [body["submitServiceOrder"] for body in bodies]
    [taken] = [p["serviceOrder"] for p in payloads if p["serviceOrder"] is not None]
    [refused] = [p["userErrors"] for p in payloads if p["serviceOrder"] is None]
    assert [(e["code"], e["field"]) for e in refused] == [
        ("CONFLICT", "lineItems[0].soldProductId")
    ]
    assert taken["number"] in refused[0]["message"]
    assert await ServiceOrder.all().count() == orders + 1
    assert await LineItem.filter(changed_product_id=product.id).count() == 1
