"""Submitting a service order: validate everything, then write the order and its line items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from models import LineItem, ServiceOrder, ServiceSpecification, User
from models.enums import LineItemAction, Priority, ServiceOrderState, SpecificationKind
from services.errors import ConflictError, ValidationError
from services.events.kinds import EventKind
from services.events.recorders import record_order
from services.inputs import required_text
from services.numbering import NumberKind, allocate_number
from services.policy import Action, require
from services.unit_of_work import unit_of_work

# Bounds that keep one order's plan a size a single transaction can write.
MAX_LINE_ITEMS = 100
MAX_QUANTITY = 50
_MAX_TEXT = 128  # the width of the customer and external id columns


@dataclass(frozen=True)
class LineItemInput:
    specification_code: str
    action: LineItemAction = LineItemAction.ADD
    quantity: int = 1
    characteristics: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubmitOrderInput:
    customer: str
    line_items: Sequence[LineItemInput]
    external_id: str | None = None
    priority: Priority = Priority.NORMAL
    requested_completion_date: datetime | None = None


async def submit_service_order(actor: User, data: SubmitOrderInput) -> ServiceOrder:
    require(actor, Action.SUBMIT_ORDER)
    customer = required_text(data.customer, field="customer", what="Customer", max_length=_MAX_TEXT)
    external_id = (
        None
        if data.external_id is None
        else required_text(
            data.external_id, field="externalId", what="An external id", max_length=_MAX_TEXT
        )
    )
    _check_line_items(data.line_items)
    requested = data.requested_completion_date
    if requested is not None and requested.tzinfo is None:
        # A date without a zone is read as UTC, the zone of every date the service stores.
        requested = requested.replace(tzinfo=UTC)

    async with unit_of_work(actor) as uow:
        specifications = await _product_specifications(data.line_items)
        if external_id is not None:
            await _check_external_id_unused(actor, external_id)
        number = await allocate_number(NumberKind.SERVICE_ORDER)
        try:
            order = await ServiceOrder.create(
                number=number,
                external_id=external_id,
                customer=customer,
                priority=data.priority,
                requested_completion_date=requested,
                state=ServiceOrderState.NEW,
                submitted_by_id=actor.id,
            )
        except IntegrityError as error:
            # A concurrent submission with the same external id committed between our check
            # and our insert: the unique constraint is the last word.
            raise _external_id_conflict(external_id) from error
        await LineItem.bulk_create(
            [
                LineItem(
                    service_order_id=order.id,
                    position=position,
                    action=item.action,
                    specification_id=specifications[item.specification_code].id,
                    characteristics=dict(item.characteristics),
                    quantity=item.quantity,
                )
                for position, item in enumerate(data.line_items)
            ]
        )
        record_order(
            uow,
            EventKind.SERVICE_ORDER_SUBMITTED,
            order,
            previous_state=None,
            customer=customer,
            externalId=external_id,
            priority=order.priority.value,
            lineItems=len(data.line_items),
        )
    return order


def _check_line_items(items: Sequence[LineItemInput]) -> None:
    if not items:
        raise ValidationError("An order needs at least one line item.", field="lineItems")
    if len(items) > MAX_LINE_ITEMS:
        raise ValidationError(
            f"An order has at most {MAX_LINE_ITEMS} line items.", field="lineItems"
        )
    for index, item in enumerate(items):
        path = f"lineItems[{index}]"
        if not item.specification_code.strip():
            raise ValidationError(
                "A specification code is required.", field=f"{path}.specificationCode"
            )
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise ValidationError(
                f"Quantity must be between 1 and {MAX_QUANTITY}.", field=f"{path}.quantity"
            )
        if not isinstance(item.characteristics, Mapping) or not all(
            isinstance(key, str) for key in item.characteristics
        ):
            raise ValidationError(
                "Characteristics must be an object with string keys.",
                field=f"{path}.characteristics",
            )


async def _product_specifications(
    items: Sequence[LineItemInput],
) -> dict[str, ServiceSpecification]:
    codes = {item.specification_code for item in items}
    found = {s.code: s for s in await ServiceSpecification.filter(code__in=codes)}
    for index, item in enumerate(items):
        specification = found.get(item.specification_code)
        field = f"lineItems[{index}].specificationCode"
        if specification is None:
            raise ValidationError(
                f"No specification has the code {item.specification_code!r}.", field=field
            )
        if specification.kind is not SpecificationKind.PRODUCT:
            raise ValidationError(
                f"{item.specification_code} is a {specification.kind.value}, not a product: "
                "only products can be ordered.",
                field=field,
            )
    return found


async def _check_external_id_unused(actor: User, external_id: str) -> None:
    if await ServiceOrder.filter(submitted_by_id=actor.id, external_id=external_id).exists():
        raise _external_id_conflict(external_id)


def _external_id_conflict(external_id: str | None) -> ConflictError:
    return ConflictError(
        f"You already submitted an order with the external id {external_id!r}.",
        field="externalId",
    )
