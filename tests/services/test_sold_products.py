"""A finished line item settles its sold product: activated, or cancelled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models import LineItem, SoldProduct
from models.enums import FulfillmentState, LineItemAction, SoldProductState
from services.sold_products import settle_sold_product

NOW = datetime(2026, 1, 1, tzinfo=UTC)
A, F = LineItemAction, FulfillmentState


@pytest.mark.parametrize(
    ("action", "item_state", "product_state"),
    [
        (A.ADD, F.COMPLETED, SoldProductState.ACTIVE),
        (A.MODIFY, F.COMPLETED, SoldProductState.ACTIVE),
        (A.DELETE, F.COMPLETED, SoldProductState.CANCELLED),
        (A.ADD, F.CANCELLED, SoldProductState.CANCELLED),
        (A.MODIFY, F.CANCELLED, SoldProductState.CANCELLED),
    ],
    ids=str,
)
def test_a_finished_item_settles_its_product(
    action: LineItemAction, item_state: FulfillmentState, product_state: SoldProductState
) -> None:
    product = SoldProduct(state=SoldProductState.PENDING)
    item = LineItem(action=action, state=item_state)

    settle_sold_product(product, item, NOW)

    assert product.state is product_state
    assert product.activated_at == (NOW if product_state is SoldProductState.ACTIVE else None)
