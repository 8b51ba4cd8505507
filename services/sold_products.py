"""What the customer owns: the sold product of a line item, settled when the item is finished.

A completed ADD or MODIFY item activates its product: from then on it is the customer's. A
cancelled item, or a completed DELETE item, cancels it. The rollup settles a product the moment
it finds the item finished, in the same transaction (services/rollup.py).
"""

from __future__ import annotations

from datetime import datetime

from models import LineItem, SoldProduct
from models.enums import FulfillmentState, LineItemAction, SoldProductState


def settle_sold_product(product: SoldProduct, item: LineItem, at: datetime) -> None:
    """Activate or cancel the PENDING `product` of the finished `item`, as of `at`."""
    if item.state is FulfillmentState.COMPLETED and item.action is not LineItemAction.DELETE:
        product.state = SoldProductState.ACTIVE
        product.activated_at = at
    else:
        product.state = SoldProductState.CANCELLED
