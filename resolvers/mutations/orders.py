"""Submitting an order, and the approve / reject / reopen decisions on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from models import ServiceOrder
from models.enums import LineItemAction, Priority
from resolvers.context import Context
from resolvers.global_ids import decode_id
from resolvers.mutations.outcome import Outcome, attempt
from services import orders


class LineItemArguments(Protocol):
    specification_code: str
    action: LineItemAction
    quantity: int
    characteristics: Any


async def submit_service_order(
    context: Context,
    *,
    customer: str,
    line_items: Sequence[LineItemArguments],
    external_id: str | None,
    priority: Priority,
    requested_completion_date: datetime | None,
) -> Outcome[ServiceOrder]:
    data = orders.SubmitOrderInput(
        customer=customer,
        line_items=[
            orders.LineItemInput(
                specification_code=item.specification_code,
                action=item.action,
                quantity=item.quantity,
                # Checked by the service: it must be an object with string keys.
                characteristics={} if item.characteristics is None else item.characteristics,
            )
            for item in line_items
        ],
        external_id=external_id,
        priority=priority,
        requested_completion_date=requested_completion_date,
    )
    return await attempt(context, lambda: orders.submit_service_order(context.actor, data))


async def approve_service_order(
    context: Context, *, service_order_id: str, note: str | None, expected_version: int | None
) -> Outcome[ServiceOrder]:
    async def action() -> ServiceOrder:
        order_id = decode_id(service_order_id, ServiceOrder, field="serviceOrderId")
        return await orders.approve_service_order(
            context.actor, order_id, note, expected_version=expected_version
        )

    return await attempt(context, action)


async def reject_service_order(
    context: Context, *, service_order_id: str, reason: str, expected_version: int | None
) -> Outcome[ServiceOrder]:
    async def action() -> ServiceOrder:
        order_id = decode_id(service_order_id, ServiceOrder, field="serviceOrderId")
        return await orders.reject_service_order(
            context.actor, order_id, reason, expected_version=expected_version
        )

    return await attempt(context, action)


async def reopen_service_order(
    context: Context, *, service_order_id: str, note: str | None, expected_version: int | None
) -> Outcome[ServiceOrder]:
    async def action() -> ServiceOrder:
        order_id = decode_id(service_order_id, ServiceOrder, field="serviceOrderId")
        return await orders.reopen_service_order(
            context.actor, order_id, note, expected_version=expected_version
        )

    return await attempt(context, action)
