"""What a service order's state allows. The decisions check these, and the API shows them
(`viewerCan`), so that a flag and its mutation cannot disagree."""

from __future__ import annotations

from models import LineItem, ServiceOrder
from models.enums import ServiceOrderState

# An order is decided once, while NEW; a rejected one is reopened to be decided again.
DECIDABLE_STATE = ServiceOrderState.NEW
REOPENABLE_STATE = ServiceOrderState.REJECTED


def can_be_approved(order: ServiceOrder) -> bool:
    return order.state is DECIDABLE_STATE


def can_be_rejected(order: ServiceOrder) -> bool:
    return order.state is DECIDABLE_STATE


def can_be_reopened(order: ServiceOrder) -> bool:
    return order.state is REOPENABLE_STATE


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
    # In flight arrives with the writer of re-planned items (services/orders/plan_changes.py).
    return order.state in REVISABLE_IN_PLACE_STATES


def line_item_can_be_revised(item: LineItem) -> bool:
    """An item past its point of no return can no longer be changed or removed."""
    # The column is lifecycle-cancel's (LineItem.point_of_no_return_reached_at); read by name
    # until it lands, so that an item without it is revisable, as it is before any PONR.
    return getattr(item, "point_of_no_return_reached_at", None) is None
