"""One open change per product under concurrency (PostgreSQL): the product rows are locked at
submit and at approval, so of two transactions racing for one product, one wins."""

from __future__ import annotations

import asyncio

import pytest

from models import LineItem, ServiceOrder, User
from models.enums import LineItemAction, ServiceOrderState
from services.errors import ConflictError
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    submit_service_order,
)
from tests.services.installed_base import CUSTOMER, active_product, change_order
from tests.services.test_concurrency_postgres import pool_of

pytestmark = pytest.mark.postgres_only


async def test_two_approvals_racing_for_one_product_one_wins(users: dict[str, User]) -> None:
    product = await active_product(users, "MOBILE_LINE")
    first = await change_order(users, LineItemAction.DELETE, product, approve=False)
    # A second NEW order naming the product, as a race at submit or a revision could leave it.
    second = await submit_service_order(
        users["partner"],
        SubmitOrderInput(customer=CUSTOMER, line_items=[LineItemInput("MOBILE_LINE")]),
    )
    await LineItem.filter(service_order_id=second.id).update(
        action=LineItemAction.DELETE, changed_product_id=product.id
    )
    orders = [first, second]

    async with pool_of(4):
        outcomes = await asyncio.gather(
            *(approve_service_order(users["manager"], o.id) for o in orders),
            return_exceptions=True,
        )

    won = [
        o for o, outcome in zip(orders, outcomes, strict=True) if isinstance(outcome, ServiceOrder)
    ]
    lost = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert won[0].number in lost[0].message
    states = sorted([(await ServiceOrder.get(id=o.id)).state for o in orders])
    assert states == sorted([ServiceOrderState.NEW, ServiceOrderState.IN_PROGRESS])


async def test_two_submissions_racing_for_one_product_one_wins(users: dict[str, User]) -> None:
    product = await active_product(users, "MOBILE_LINE")

    async with pool_of(4):
        outcomes = await asyncio.gather(
            *(change_order(users, LineItemAction.DELETE, product, approve=False) for _ in range(2)),
            return_exceptions=True,
        )

    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "ServiceOrder"]
    assert await LineItem.filter(changed_product_id=product.id).count() == 1
