"""Revising an order in fulfilment: re-planning its items (docs/design, section 4).

Arrives with `services/orders/plan_changes.py` (the writer of a `PlanChanges`): until then
`orders/rules.can_be_revised` admits only the orders revised in place, so this is not reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models import LineItem, ServiceOrder, ServiceSpecification
from services.errors import InvalidStateError
from services.orders.revision_diff import RevisionDiff
from services.unit_of_work import UnitOfWork


async def revise_in_flight(
    uow: UnitOfWork,
    order: ServiceOrder,
    items: Sequence[LineItem],
    diff: RevisionDiff,
    specifications: dict[str, ServiceSpecification],
) -> dict[str, Any]:
    raise InvalidStateError(
        f"Service order {order.number} is {order.state.value}: revising an order in "
        "fulfilment is not available yet.",
        field="serviceOrderId",
    )
