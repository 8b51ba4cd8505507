"""What a service order's state allows, and what its state follows from. The transitions check
these, and the API shows them (`viewerCan`), so that a flag and its mutation cannot disagree."""

from __future__ import annotations

from collections import Counter
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
# Not planned yet: cancelling is immediate, there is no work to stop or undo. (ACKNOWLEDGED
# lasts only inside the approving transaction, before the plan is written.)
UNPLANNED_ORDER_STATES = frozenset(
    {ServiceOrderState.NEW, ServiceOrderState.ACKNOWLEDGED, ServiceOrderState.REJECTED}
)
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


def is_cancelled(item: LineItem) -> bool:
    """Its cancellation was asked for (it is CANCELLING or CANCELLED)."""
    return item.cancelled_at is not None or item.state in _CANCELLED_ITEM_STATES


def has_failed(item: LineItem) -> bool:
    """A fallout of it was resolved FAIL_LINE_ITEM (it is CANCELLING while its compensation
    runs, then FAILED)."""
    return item.failed_at is not None


def is_stopped(item: LineItem) -> bool:
    """Its work was stopped: cancelled, or failed."""
    return is_cancelled(item) or has_failed(item)


def item_can_fail(item: LineItem) -> bool:
    """Work left to fail: not cancelled or failed already, not final. The point of no return
    does not matter: a failure is not the customer's change."""
    return not is_stopped(item) and item.state not in FINAL_ITEM_STATES


def item_can_be_cancelled(item: LineItem) -> bool:
    """An item not cancelled (or failed) already, not final and not past its point of no
    return."""
    return (
        not is_stopped(item)
        and item.state not in FINAL_ITEM_STATES
        and item.point_of_no_return_reached_at is None
    )


def items_left_to_cancel(items: Iterable[LineItem]) -> list[LineItem]:
    """What cancelling a whole order cancels: its items not cancelled (or failed) already and
    not final."""
    return [i for i in items if not is_stopped(i) and i.state not in FINAL_ITEM_STATES]


def past_point_of_no_return(items: Iterable[LineItem]) -> LineItem | None:
    """The first of `items` past its point of no return, if any."""
    return next((i for i in items if i.point_of_no_return_reached_at is not None), None)


def can_be_cancelled_whole(order: ServiceOrder) -> bool:
    """Cancelling every item left: refused once an item passed its point of no return (then
    the others are cancelled by name)."""
    return can_be_cancelled(order) and order.point_of_no_return_reached_at is None


def order_state_from_items(
    item_states: Iterable[FulfillmentState], *, failing: int = 0
) -> ServiceOrderState:
    """A planned order's state, from its line items' (the rollup's one rule for it).

    Every item final: all COMPLETED → COMPLETED, all FAILED → FAILED, all CANCELLED →
    CANCELLED, any other mix → PARTIAL. Nothing left but undoing work (every item final or
    CANCELLING, some CANCELLING) → CANCELLING: a whole-order cancellation, or the last open
    item cancelled. Otherwise work goes on: IN_PROGRESS.

    `failing`: how many of the CANCELLING items are undoing their work because they failed
    (a fallout resolved FAIL_LINE_ITEM), not because anyone cancelled them. When those are
    all the undoing there is, the order is IN_PROGRESS: nobody cancelled it, and TMF641's
    pendingCancellation would tell the partner otherwise.
    """
    counts = Counter(item_states)
    states = set(counts)
    if states <= FINAL_ITEM_STATES:
        if states == {FulfillmentState.COMPLETED}:
            return ServiceOrderState.COMPLETED
        if states == {FulfillmentState.FAILED}:
            return ServiceOrderState.FAILED
        if states == {FulfillmentState.CANCELLED}:
            return ServiceOrderState.CANCELLED
        return ServiceOrderState.PARTIAL
    undoing_a_cancellation = counts[FulfillmentState.CANCELLING] > failing
    if states <= FINAL_ITEM_STATES | {FulfillmentState.CANCELLING} and undoing_a_cancellation:
        return ServiceOrderState.CANCELLING
    return ServiceOrderState.IN_PROGRESS


# Hold and resume (docs/design/lifecycle-and-installed-base.md, 1): only an order in fulfilment
# has work to stop; an order not yet planned has none, and a final one has none left.
HOLDABLE_STATE = ServiceOrderState.IN_PROGRESS
RESUMABLE_STATE = ServiceOrderState.HELD


def can_be_held(order: ServiceOrder) -> bool:
    return order.state is HOLDABLE_STATE


def can_be_resumed(order: ServiceOrder) -> bool:
    return order.state is RESUMABLE_STATE


def starts_no_task(order: ServiceOrder) -> bool:
    """A HELD order starts no task (in-progress work may still be completed or reported)."""
    return order.state is ServiceOrderState.HELD


# Revision: in place while nothing is planned (NEW, REJECTED: a rejected order stays REJECTED);
# by re-planning while it is fulfilled (held or not). A final order is not revised.
REVISABLE_IN_PLACE_STATES = frozenset({ServiceOrderState.NEW, ServiceOrderState.REJECTED})
REVISABLE_IN_FLIGHT_STATES = frozenset({ServiceOrderState.IN_PROGRESS, ServiceOrderState.HELD})


def is_revised_in_flight(order: ServiceOrder) -> bool:
    """Whether a revision re-plans the order (it has a plan) rather than changing it in place."""
    return order.state in REVISABLE_IN_FLIGHT_STATES


def can_be_revised(order: ServiceOrder) -> bool:
    return order.state in REVISABLE_IN_PLACE_STATES | REVISABLE_IN_FLIGHT_STATES


def line_item_can_be_revised(item: LineItem) -> bool:
    """Whether a revision may change or remove the item: not past its point of no return, and
    with work left (not final, not cancelled or failed already)."""
    return (
        item.point_of_no_return_reached_at is None
        and not is_stopped(item)
        and item.state not in FINAL_ITEM_STATES
    )
