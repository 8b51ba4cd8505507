"""Products in the installed base for the tests: bought with an ADD order worked to completion,
then changed by MODIFY and DELETE orders."""

from __future__ import annotations

from typing import Any

from models import ServiceOrder, SoldProduct, User
from models.enums import LineItemAction
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    submit_service_order,
)
from tests.services.task_plans import work_every_task

CUSTOMER = "ACME Corp"

# The demo products as a customer has them, and a change of each.
BOUGHT: dict[str, dict[str, Any]] = {
    "FIBRE_BROADBAND": {"ipVersion": "DUAL_STACK", "bandwidth": "500M"},
    "BUSINESS_SDWAN": {"bandwidth": "100M"},
    "MOBILE_LINE": {"plan": "M", "roaming": False},
    "TV_VOICE_BUNDLE": {"channelPackage": "BASIC"},
}
CHANGED: dict[str, dict[str, Any]] = {
    "FIBRE_BROADBAND": {"ipVersion": "DUAL_STACK", "bandwidth": "1G"},
    "BUSINESS_SDWAN": {"bandwidth": "200M"},
    "MOBILE_LINE": {"plan": "L", "roaming": False},
    "TV_VOICE_BUNDLE": {"channelPackage": "SPORTS"},
}


async def active_product(
    users: dict[str, User],
    code: str,
    characteristics: dict[str, Any] | None = None,
    *,
    customer: str = CUSTOMER,
    submitter: str = "partner",
) -> SoldProduct:
    """A product of `code` bought by `customer` through `submitter`'s ADD order, completed."""
    order = await submit_service_order(
        users[submitter],
        SubmitOrderInput(
            customer=customer,
            line_items=[
                LineItemInput(
                    code,
                    characteristics=BOUGHT.get(code, {})
                    if characteristics is None
                    else characteristics,
                )
            ],
        ),
    )
    await approve_service_order(users["manager"], order.id)
    await work_every_task(order.id, users)
    return await SoldProduct.get(line_item__service_order_id=order.id)


async def change_order(
    users: dict[str, User],
    action: LineItemAction,
    product: SoldProduct,
    characteristics: dict[str, Any] | None = None,
    *,
    submitter: str = "partner",
    approve: bool = True,
    customer: str = CUSTOMER,
) -> ServiceOrder:
    """A MODIFY or DELETE order for `product`, submitted by `submitter` (and approved)."""
    await product.fetch_related("specification")
    order = await submit_service_order(
        users[submitter],
        SubmitOrderInput(
            customer=customer,
            line_items=[
                LineItemInput(
                    product.specification.code,
                    action=action,
                    characteristics=characteristics or {},
                    sold_product_id=product.id,
                )
            ],
        ),
    )
    if approve:
        order = await approve_service_order(users["manager"], order.id)
    return order
