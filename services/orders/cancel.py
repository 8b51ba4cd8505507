"""Cancelling a service order, or some of its line items (TMF641 cancelServiceOrder).

The rules (DESIGN.md, "The whole life of an order"; docs/design/lifecycle-and-installed-base.md):
- a manager cancels any order, a partner (INTEGRATOR) the orders it submitted;
- refused (INVALID_STATE) for a final or CANCELLING order, for an item past its point of no
  return (naming the item and the task that passed it), already cancelled, or final; and for
  the whole order (no `lineItemIds`) once any item passed its point of no return: the others
  are then cancelled by name (so `viewerCan.cancel` of an order needs no line items);
- not planned yet (NEW, REJECTED): the items are CANCELLED at once, and the order with them
  when none is left;
- planned: each item is re-planned to nothing (`plan_cancellation`): its unfinished tasks are
  cancelled (their open fallouts too), its completed tasks with a compensator get compensating
  tasks that run in reverse order; the item is CANCELLING until they are done, then CANCELLED;
  the order's state then follows its items (`order_state_from_items`, through the rollup);
- one `service_order.cancelled` event (reason, items) for the decision; the states that change
  write their usual events.
Everything is checked before the first write; in one transaction, with the order locked, so a
cancellation and a task completion on one order run one after the other.
"""

from __future__ import annotations

from collections.abc import Sequence

from models import LineItem, ServiceOrder, User
from models.enums import FulfillmentState, ServiceOrderState
from services.errors import InvalidStateError, NotFoundError, ValidationError
from services.events.kinds import EventKind
from services.events.recorders import record_line_item, record_order
from services.inputs import InputId, input_id, required_text
from services.limits import MAX_LINE_ITEMS
from services.locking import lock_order
from services.orders import rules
from services.orders.catalog_graph import load_catalog_graph
from services.orders.plan_changes import load_persisted_plan, write_plan_changes
from services.orders.point_of_no_return import passed_by
from services.orders.replanning import plan_cancellation
from services.policy import Action, can_cancel_order
from services.rollup import roll_up
from services.transitions import check_transition
from services.unit_of_work import UnitOfWork, unit_of_work

_FIELD = "lineItemIds"
_MARK_FIELDS = ("cancelled_at", "cancellation_reason")


async def cancel_service_order(
    actor: User,
    order_id: int,
    reason: str,
    line_item_ids: Sequence[InputId] | None = None,
    *,
    expected_version: int | None = None,
) -> ServiceOrder:
    """Cancel the order's items named by `line_item_ids`, or all that are left when None."""
    async with unit_of_work(actor) as uow:
        order = await lock_order(order_id)
        check_transition(
            actor,
            Action.CANCEL_ORDER,
            order,
            what="Service order",
            field="serviceOrderId",
            permitted=can_cancel_order(actor, order),
            forbidden=f"You may cancel only the orders you submitted ({order.number} is not).",
            expected_version=expected_version,
            allowed=_allowed(order, whole=line_item_ids is None),
            wrong_state=await _why_not(order, whole=line_item_ids is None),
        )
        text = required_text(reason, field="reason", what="A reason for the cancellation")
        items = await LineItem.filter(service_order_id=order.id).order_by("position", "id")
        chosen = _chosen_items(order, items, line_item_ids)
        await _check_items(order, chosen)

        order.version += 1
        await order.save(update_fields=["version", "updated_at"])
        record_order(
            uow,
            EventKind.SERVICE_ORDER_CANCELLED,
            order,
            previous_state=order.state,
            reason=text,
            lineItemIds=[item.id for item in chosen],
        )
        for item in chosen:
            item.cancelled_at = uow.started_at
            item.cancellation_reason = text
        if order.state in rules.UNPLANNED_ORDER_STATES:
            await _cancel_unplanned(uow, order, items, chosen)
        else:
            await stop_planned_items(uow, order, chosen, text, mark_fields=_MARK_FIELDS)
    return order


def _chosen_items(
    order: ServiceOrder, items: list[LineItem], line_item_ids: Sequence[InputId] | None
) -> list[LineItem]:
    if line_item_ids is None:
        left = rules.items_left_to_cancel(items)
        if not left:
            raise InvalidStateError(
                f"Every line item of {order.number} is final or cancelled already.",
                field="serviceOrderId",
            )
        return left
    if not line_item_ids:
        raise ValidationError(
            "Name at least one line item, or leave lineItemIds out to cancel the whole order.",
            field=_FIELD,
        )
    if len(line_item_ids) > MAX_LINE_ITEMS:
        raise ValidationError(f"At most {MAX_LINE_ITEMS} line items at once.", field=_FIELD)
    ids = [input_id(value) for value in line_item_ids]
    # The list's own shape first, whatever its ids name: an item named twice says the
    # caller's list is not the one they meant (as in a revision's), so it is not read as once.
    if len(set(ids)) != len(ids):
        raise ValidationError("A line item is listed twice.", field=_FIELD)
    by_id = {item.id: item for item in items}
    for id in ids:
        if id not in by_id:
            raise NotFoundError(f"No such line item in service order {order.number}.", field=_FIELD)
    return [by_id[id] for id in ids]


def _allowed(order: ServiceOrder, *, whole: bool) -> bool:
    return rules.can_be_cancelled_whole(order) if whole else rules.can_be_cancelled(order)


async def _why_not(order: ServiceOrder, *, whole: bool) -> str:
    """The refusal for the order's state ("" when it allows the cancellation). An order an
    item of which passed its point of no return is cancelled item by item: it names them."""
    if not rules.can_be_cancelled(order):
        return (
            f"Service order {order.number} is {order.state.value}: there is nothing left to cancel."
        )
    if _allowed(order, whole=whole):
        return ""
    items = await LineItem.filter(service_order_id=order.id).order_by("position", "id")
    past = rules.past_point_of_no_return(items)
    passed = "?" if past is None else f"line item {past.position + 1}: {await passed_by(past)}"
    return (
        f"Service order {order.number} is past its point of no return ({passed}). "
        "Name the other line items to cancel them."
    )


async def _check_items(order: ServiceOrder, items: list[LineItem]) -> None:
    """Each item can be cancelled: not cancelled or failed, not final, not past its point of no
    return."""
    for item in items:
        if rules.has_failed(item):
            raise InvalidStateError(
                f"Line item {item.position + 1} of {order.number} is {item.state.value}: it "
                f"failed ({item.failure_reason}), there is nothing left to cancel.",
                field=_FIELD,
            )
        if rules.is_cancelled(item):
            raise InvalidStateError(
                f"Line item {item.position + 1} of {order.number} is {item.state.value}: it was "
                "cancelled already.",
                field=_FIELD,
            )
        if item.state in rules.FINAL_ITEM_STATES:
            raise InvalidStateError(
                f"Line item {item.position + 1} of {order.number} is {item.state.value}: there "
                "is nothing left to cancel.",
                field=_FIELD,
            )
    past = rules.past_point_of_no_return(items)
    if past is not None:
        raise InvalidStateError(
            f"Line item {past.position + 1} of {order.number} is past its point of no return: "
            f"{await passed_by(past)}.",
            field=_FIELD,
        )


async def _cancel_unplanned(
    uow: UnitOfWork, order: ServiceOrder, items: list[LineItem], chosen: list[LineItem]
) -> None:
    """No plan yet: the items are CANCELLED now; the order too once none is left."""
    for item in chosen:
        await _stop_at_once(uow, item, _MARK_FIELDS)
    if any(item.cancelled_at is None for item in items):
        return
    previous_state = order.state
    order.state = ServiceOrderState.CANCELLED
    order.completed_at = uow.started_at
    order.version += 1
    await order.save(update_fields=["state", "completed_at", "version", "updated_at"])
    record_order(uow, EventKind.SERVICE_ORDER_STATE_CHANGED, order, previous_state=previous_state)


async def stop_planned_items(
    uow: UnitOfWork,
    order: ServiceOrder,
    items: Sequence[LineItem],
    reason: str,
    *,
    mark_fields: Sequence[str],
) -> None:
    """Each item re-planned to nothing, then one rollup: CANCELLING while its compensation
    runs, then CANCELLED (FAILED for an item marked failed: services/orders/fail_item.py).

    The caller has set each item's mark (`cancelled_at` or `failed_at`, and its reason):
    `mark_fields` names those columns, saved here. `reason` goes on every task and fallout
    cancelled.
    """
    catalog = await load_catalog_graph({item.specification_id for item in items})
    touched: set[int] = set()
    for item in items:
        changes = plan_cancellation(catalog, await load_persisted_plan(item))
        written = await write_plan_changes(uow, order, item, changes, reason=reason)
        if written.domain_order_ids:
            await item.save(update_fields=list(mark_fields))
            touched |= written.domain_order_ids
        else:  # no plan of its own (stopped at once): the rollup would never see it
            await _stop_at_once(uow, item, mark_fields)
    await roll_up(uow, order, touched)


async def _stop_at_once(uow: UnitOfWork, item: LineItem, mark_fields: Sequence[str]) -> None:
    previous = item.state
    item.state = FulfillmentState.FAILED if rules.has_failed(item) else FulfillmentState.CANCELLED
    await item.save(update_fields=["state", *mark_fields])
    record_line_item(uow, EventKind.LINE_ITEM_STATE_CHANGED, item, previous_state=previous)
