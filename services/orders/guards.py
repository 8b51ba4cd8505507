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


def require_state(order: ServiceOrder, state: ServiceOrderState, verb: str) -> None:
    if order.state is not state:
        raise InvalidStateError(
            f"Only a {state.value} service order can be {verb}; "
            f"{order.number} is {order.state.value}.",
            field="serviceOrderId",
        )
