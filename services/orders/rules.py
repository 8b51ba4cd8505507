"""What a service order's state allows, and what its state follows from. The transitions check
these, and the API shows them (`viewerCan`), so that a flag and its mutation cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable

from models import LineItem, ServiceOrder
from models.enums import FulfillmentState, ServiceOrderState

# An order is decided once, while NEW; a rejected one is reopened to be decided again.
DECIDABLE_STATE = ServiceOrderState.NEW
REOPENABLE_STATE = ServiceOrderState.REJECTED

# Nothing more happens to an order in these states.
FINAL_ORDER_STATES = frozenset(
    {
        ServiceOrderState.COMPLETED,
        ServiceOrderState.PARTIAL,
        ServiceOrderState.FAILED,
        ServiceOrderState.CANCELLED,
    }
)
# Not planned yet: cancelling is immediate, there is no work to stop or undo.
UNPLANNED_ORDER_STATES = frozenset({ServiceOrderState.NEW, ServiceOrderState.REJECTED})
FINAL_ITEM_STATES = frozenset(
    {FulfillmentState.COMPLETED, FulfillmentState.FAILED, FulfillmentState.CANCELLED}
)
_CANCELLED_ITEM_STATES = frozenset({FulfillmentState.CANCELLING, FulfillmentState.CANCELLED})


def can_be_approved(order: ServiceOrder) -> bool:
    return order.state is DECIDABLE_STATE


def can_be_rejected(order: ServiceOrder) -> bool:
    return order.state is DECIDABLE_STATE


def can_be_reopened(order: ServiceOrder) -> bool:
    return order.state is REOPENABLE_STATE


def can_be_cancelled(order: ServiceOrder) -> bool:
    """Any order that is not final, held or not, planned or not. An order CANCELLING is the
    cancellation of every item already under way: cancelling it again is refused."""
    return order.state not in FINAL_ORDER_STATES and order.state is not ServiceOrderState.CANCELLING


def item_can_be_cancelled(item: LineItem) -> bool:
    """An item not cancelled already, not final and not past its point of no return."""
    return (
        item.cancelled_at is None
        and item.state not in FINAL_ITEM_STATES
        and item.point_of_no_return_reached_at is None
    )


def order_state_from_items(item_states: Iterable[FulfillmentState]) -> ServiceOrderState:
    """A planned order's state, from its line items' (the rollup's one rule for it).

    Every item final: all COMPLETED → COMPLETED, all FAILED → FAILED, all CANCELLED →
    CANCELLED, any other mix → PARTIAL. Every item cancelled, some still undoing their work
    (CANCELLING) → CANCELLING. Otherwise work goes on: IN_PROGRESS.
    """
    states = set(item_states)
    if states <= FINAL_ITEM_STATES:
        if states == {FulfillmentState.COMPLETED}:
            return ServiceOrderState.COMPLETED
        if states == {FulfillmentState.FAILED}:
            return ServiceOrderState.FAILED
        if states == {FulfillmentState.CANCELLED}:
            return ServiceOrderState.CANCELLED
        return ServiceOrderState.PARTIAL
    if states <= _CANCELLED_ITEM_STATES:
        return ServiceOrderState.CANCELLING
    return ServiceOrderState.IN_PROGRESS
