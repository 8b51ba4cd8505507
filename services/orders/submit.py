"""Submitting a service order: validate everything, then write the order and its line items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from tortoise.exceptions import IntegrityError

from models import LineItem, ServiceOrder, ServiceSpecification, User
from models.enums import LineItemAction, Priority, ServiceOrderState, SpecificationKind
from services.clock import now
from services.errors import ConflictError, ValidationError
from services.events.kinds import EventKind
from services.events.recorders import record_order
from services.inputs import InputId, input_id, required_text, utc_datetime
from services.json_values import checked_object
from services.limits import CODE, MAX_LINE_ITEMS, MAX_QUANTITY, NAME
from services.numbering import NumberKind, allocate_number
from services.policy import Action, readable_sold_products, require
from services.queries.scoping import visible_sold_products
from services.sold_products import ProductChange, lock_changed_products
from services.unit_of_work import unit_of_work


@dataclass(frozen=True)
class LineItemInput:
    specification_code: str
    action: LineItemAction = LineItemAction.ADD
    quantity: int = 1
    # For a MODIFY, the product's characteristics as they are to be (not a patch).
    characteristics: dict[str, Any] = field(default_factory=dict)
    # Whether the caller sent characteristics at all (the API's field was not absent): a MODIFY
    # must, since one without them would empty the product's.
    characteristics_given: bool = True
    # The product a MODIFY or DELETE changes: required for those, refused for an ADD.
    sold_product_id: InputId | None = None


@dataclass(frozen=True)
class SubmitOrderInput:
    customer: str
    line_items: Sequence[LineItemInput]
    external_id: str | None = None
    priority: Priority = Priority.NORMAL
    # The API's ISO 8601 text, or a datetime (seed, tests)
    requested_completion_date: datetime | str | None = None


async def submit_service_order(actor: User, data: SubmitOrderInput) -> ServiceOrder:
    require(actor, Action.SUBMIT_ORDER)
    customer = required_text(data.customer, field="customer", what="Customer", bound=NAME)
    external_id = (
        None
        if data.external_id is None
        else required_text(data.external_id, field="externalId", what="An external id", bound=NAME)
    )
    items = checked_line_items(data.line_items)
    for index, item in enumerate(items):
        _check_product_reference(item, f"lineItems[{index}]")
    requested = _requested_completion(data.requested_completion_date)

    async with unit_of_work(actor) as uow:
        specifications = await product_specifications(items)
        changes = _product_changes(items, specifications)
        await lock_changed_products(
            changes,
            customer=customer,
            order_id=None,
            readable=await _readable_products(actor, changes),
        )
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
                    changed_product_id=(
                        None if item.sold_product_id is None else input_id(item.sold_product_id)
                    ),
                )
                for position, item in enumerate(items)
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
            lineItems=len(items),
        )
    return order


def checked_line_items(items: Sequence[LineItemInput]) -> list[LineItemInput]:
    """The line items within their bounds, their codes and characteristics as read."""
    if not items:
        raise ValidationError("An order needs at least one line item.", field="lineItems")
    if len(items) > MAX_LINE_ITEMS:
        raise ValidationError(
            f"An order has at most {MAX_LINE_ITEMS} line items.", field="lineItems"
        )
    checked = []
    for index, item in enumerate(items):
        path = f"lineItems[{index}]"
        code = required_text(
            item.specification_code,
            field=f"{path}.specificationCode",
            what="A specification code",
            bound=CODE,
        )
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise ValidationError(
                f"Quantity must be between 1 and {MAX_QUANTITY}.", field=f"{path}.quantity"
            )
        if item.action is LineItemAction.MODIFY and not item.characteristics_given:
            raise ValidationError(
                "A MODIFY states the product's characteristics as they are to be, all of them "
                "(send {} to clear them).",
                field=f"{path}.characteristics",
            )
        characteristics = checked_object(
            item.characteristics, field=f"{path}.characteristics", what="Characteristics"
        )
        checked.append(replace(item, specification_code=code, characteristics=characteristics))
    return checked


def _check_product_reference(item: LineItemInput, path: str) -> None:
    field = f"{path}.soldProductId"
    if item.action is LineItemAction.ADD:
        if item.sold_product_id is not None:
            raise ValidationError(
                "An ADD creates its product: soldProductId is for a MODIFY or a DELETE.",
                field=field,
            )
        return
    if item.sold_product_id is None:
        raise ValidationError(
            f"A {item.action.value} names the product it changes: soldProductId is required.",
            field=field,
        )
    input_id(item.sold_product_id)  # an id the API could not decode is refused here


def _product_changes(
    items: Sequence[LineItemInput], specifications: dict[str, ServiceSpecification]
) -> list[ProductChange]:
    return [
        ProductChange(
            index=index,
            action=item.action,
            specification_id=specifications[item.specification_code].id,
            quantity=item.quantity,
            sold_product_id=input_id(item.sold_product_id),
        )
        for index, item in enumerate(items)
        if item.sold_product_id is not None
    ]


async def _readable_products(
    actor: User, changes: Sequence[ProductChange]
) -> dict[int, bool] | None:
    """Which of the named products the submitter may read (None: every one): a product one may
    not see is, to them, one that does not exist."""
    if not changes or readable_sold_products(actor).is_everything:
        return None
    ids = [change.sold_product_id for change in changes]
    seen = await visible_sold_products(actor).filter(id__in=ids).values_list("id", flat=True)
    return {cast(int, product_id): True for product_id in seen}


async def product_specifications(
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


def _requested_completion(value: datetime | str | None) -> datetime | None:
    """The due date of the order's schedule: one already past could never be met."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                "The requested completion date is not an ISO 8601 date-time "
                '(e.g. "2026-12-24T17:00:00Z").',
                field="requestedCompletionDate",
            ) from None
    requested = utc_datetime(value, field="requestedCompletionDate")
    if requested is not None and requested <= now():
        raise ValidationError(
            "The requested completion date has already passed.", field="requestedCompletionDate"
        )
    return requested
