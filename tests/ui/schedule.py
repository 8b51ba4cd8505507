"""Orders with a requested completion date, for the tests of the schedule's views."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.ui.api import APPROVE, SUBMIT, Api

# FIBRE_BROADBAND's critical path: ship the ONT (24 h) → survey → install → activate → billing.
CRITICAL_PATH_HOURS = 27.75


async def scheduled_order(api: Api, customer: str, requested_in: timedelta) -> Any:
    """An approved FIBRE_BROADBAND order of the test's own, requested `requested_in` from now:
    late from the start when that is under CRITICAL_PATH_HOURS."""
    requested = (datetime.now(UTC) + requested_in).isoformat()
    payload = await api.mutate(
        "manager",
        SUBMIT,
        "submitServiceOrder",
        customer=customer,
        externalId=f"ui-{uuid.uuid4().hex[:12]}",
        priority="NORMAL",
        requestedCompletionDate=requested,
        lineItems=[
            {
                "specificationCode": "FIBRE_BROADBAND",
                "action": "ADD",
                "quantity": 1,
                "characteristics": {},
            }
        ],
    )
    order_id = payload["serviceOrder"]["id"]
    await api.mutate("manager", APPROVE, "approveServiceOrder", serviceOrderId=order_id)
    return await api.plan(order_id)
