"""What a service order's state allows. The decisions check these, and the API shows them
(`viewerCan`), so that a flag and its mutation cannot disagree."""

from __future__ import annotations

from models import ServiceOrder
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
