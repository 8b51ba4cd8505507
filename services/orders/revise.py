"""Revising an order: its line items replaced by a given list (kept, changed, added, removed).

Before approval (NEW, REJECTED) nothing is planned, so the rows change in place; by the
manager, or by the partner on its own order. A rejected order stays REJECTED (it is reopened to
be decided again). In fulfilment (IN_PROGRESS, HELD) the order is re-planned
(services/orders/revise_in_flight.py), by the manager only, and refused for an item past its
point of no return. Either way the revision number goes up by one and one
`service_order.revised` event carries the difference (services/orders/revision_diff.py).

Checks, in the one order (services/transitions.py): the order (NOT_FOUND), who (FORBIDDEN), the
version (CONFLICT), the order's state (INVALID_STATE), then the input: the reason, each item as
at submission, the list as a revision (VALIDATION; NOT_FOUND for an id of no item of the
order), and last the items the revision touches (INVALID_STATE past the point of no return):
which those are is known only once the input is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models import LineItem, ServiceOrder, ServiceSpecification, User
from models.enums import LineItemAction
from services.errors import ValidationError
from services.events.kinds import EventKind
from services.events.recorders import record_order
from services.inputs import InputId, input_id, required_text
from services.locking import lock_order
from services.orders.revision_diff import CurrentItem, RevisionDiff, WantedItem, revision_diff
from services.orders.rules import can_be_revised, is_revised_in_flight, is_stopped
from services.orders.submit import LineItemInput, checked_line_items, product_specifications
from services.policy import Action, can_revise_order
from services.transitions import check_transition
from services.unit_of_work import unit_of_work


@dataclass(frozen=True)
class RevisedItemInput:
    """One item of the revised list: `id` of an item of the order, or None for a new one."""

    id: InputId | None
    line_item: LineItemInput
    sold_product_id: InputId | None = None


async def revise_service_order(
    actor: User,
    order_id: int,
    reason: str,
    line_items: Sequence[RevisedItemInput],
    *,
    expected_version: int | None = None,
) -> ServiceOrder:
    async with unit_of_work(actor) as uow:
        order = await lock_order(order_id)
        in_flight = is_revised_in_flight(order)
        check_transition(
            actor,
            Action.REVISE_ORDER,
            order,
            what="Service order",
            field="serviceOrderId",
            permitted=can_revise_order(actor, order, in_flight),
            forbidden=(
                f"Service order {order.number} is in fulfilment: only a manager revises it."
                if in_flight and order.submitted_by_id == actor.id
                else f"You may revise only the orders you submitted; {order.number} is not one."
            ),
            expected_version=expected_version,
            allowed=can_be_revised(order),
            wrong_state=f"Service order {order.number} is {order.state.value}: only an order "
            "that is NEW, REJECTED, IN_PROGRESS or HELD can be revised.",
        )
        reason = required_text(reason, field="reason", what="A reason for the revision")
        wanted, specifications = await _wanted_items(line_items)
        items = await LineItem.filter(service_order_id=order.id).order_by("position", "id")
        codes = await _codes_of(items)
        diff = revision_diff([_current(item, codes) for item in items], wanted)
        if in_flight:
            # Imported here, not above: re-planning reaches the task services, which import the
            # rollup, which imports this package (its rules) — a cycle at import time.
            from services.orders.revise_in_flight import revise_in_flight

            changes = await revise_in_flight(uow, order, items, diff, specifications, reason=reason)
        else:
            await _revise_in_place(order, items, diff, specifications)
            changes = diff.payload()
        order.revision += 1
        order.version += 1
        await order.save(update_fields=["revision", "version", "updated_at"])
        record_order(
            uow,
            EventKind.SERVICE_ORDER_REVISED,
            order,
            previous_state=order.state,
            revision=order.revision,
            reason=reason,
            **changes,
        )
    return order


async def _wanted_items(
    line_items: Sequence[RevisedItemInput],
) -> tuple[list[WantedItem], dict[str, ServiceSpecification]]:
    """Each item checked as submission checks it, and its product looked up."""
    checked = checked_line_items([item.line_item for item in line_items])
    ids: list[int | None] = []
    product_ids: list[int | None] = []
    for index, (item, line_item) in enumerate(zip(line_items, checked, strict=True)):
        ids.append(None if item.id is None else input_id(item.id))
        if item.id is None and line_item.action is not LineItemAction.ADD:
            # A MODIFY or DELETE names the product it changes, which a revision does not take
            # yet (the installed base checks product references at submission).
            raise ValidationError(
                f"A new {line_item.action.value} item names a sold product: submit it as an "
                "order of its own.",
                field=f"lineItems[{index}].action",
            )
        product_ids.append(None if item.sold_product_id is None else input_id(item.sold_product_id))
        if item.id is None and item.sold_product_id is not None:
            raise ValidationError(
                "An ADD creates its product: soldProductId is for a MODIFY or a DELETE.",
                field=f"lineItems[{index}].soldProductId",
            )
    specifications = await product_specifications(checked)
    wanted = [
        WantedItem(
            id=item_id,
            action=item.action,
            specification_code=item.specification_code,
            quantity=item.quantity,
            characteristics=item.characteristics,
            sold_product_id=product_id,
        )
        for item_id, product_id, item in zip(ids, product_ids, checked, strict=True)
    ]
    return wanted, specifications


async def _codes_of(items: Sequence[LineItem]) -> dict[int, str]:
    rows = await ServiceSpecification.filter(
        id__in={item.specification_id for item in items}
    ).values_list("id", "code")
    return {int(row[0]): str(row[1]) for row in rows}


def _current(item: LineItem, codes: dict[int, str]) -> CurrentItem:
    return CurrentItem(
        id=item.id,
        action=item.action,
        specification_code=codes[item.specification_id],
        quantity=item.quantity,
        characteristics=item.characteristics,
        # A failed item is over like a cancelled one: leaving it out removes nothing.
        cancelled=is_stopped(item),
        sold_product_id=item.changed_product_id,
    )


async def _revise_in_place(
    order: ServiceOrder,
    items: Sequence[LineItem],
    diff: RevisionDiff,
    specifications: dict[str, ServiceSpecification],
) -> None:
    """Nothing is planned yet: the rows are simply made what the revision says."""
    if diff.removed:
        await LineItem.filter(id__in=[item.id for item in diff.removed]).delete()
    wanted_of = {change.id: change.after for change in diff.changed}
    for item in items:
        if item.id not in diff.positions:
            continue
        item.position = diff.positions[item.id]
        wanted = wanted_of.get(item.id)
        if wanted is not None:
            item.quantity = wanted.quantity
            item.characteristics = dict(wanted.characteristics)
        await item.save(update_fields=["position", "quantity", "characteristics"])
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
            for position, item in zip(diff.added_positions, diff.added, strict=True)
        ]
    )
