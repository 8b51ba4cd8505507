"""The events a service order records about itself."""

from __future__ import annotations

from typing import Any

from models import ServiceOrder
from models.enums import ServiceOrderState
from services.unit_of_work import UnitOfWork


def record_order_event(
    uow: UnitOfWork,
    kind: str,
    order: ServiceOrder,
    previous_state: ServiceOrderState | None,
    **payload: Any,
) -> None:
    """Record `kind` for `order` as it is now; the payload always carries number and version."""
    uow.record(
        kind,
        entity_type="service_order",
        entity_id=order.id,
        service_order_id=order.id,
        previous_state=previous_state,
        new_state=order.state,
        payload={"number": order.number, "version": order.version, **payload},
    )
