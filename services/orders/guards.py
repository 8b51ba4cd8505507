"""The checks every decision on a service order makes before it changes anything."""

from __future__ import annotations

from models import ServiceOrder
from models.enums import ServiceOrderState
from services.errors import ConflictError, InvalidStateError


def check_expected_version(order: ServiceOrder, expected_version: int | None) -> None:
    """Optimistic concurrency: refuse a decision taken on a stale view of the order."""
    if expected_version is not None and expected_version != order.version:
        raise ConflictError(
            f"Service order {order.number} has changed since you read it "
            f"(version {order.version}, not {expected_version}); reload it and try again.",
            field="expectedVersion",
        )


def wrong_state(order: ServiceOrder, verb: str, needed: ServiceOrderState) -> InvalidStateError:
    """The refusal of a decision that the order's state does not allow (orders/rules.py)."""
    return InvalidStateError(
        f"Only a {needed.value} service order can be {verb}; "
        f"{order.number} is {order.state.value}.",
        field="serviceOrderId",
    )
