"""The one shape of a fallout event."""

from __future__ import annotations

from typing import Any

from models import FalloutRecord
from models.enums import FalloutState
from services.unit_of_work import UnitOfWork


def record_fallout_event(
    uow: UnitOfWork,
    kind: str,
    fallout: FalloutRecord,
    *,
    previous_state: FalloutState | None,
    **details: Any,
) -> None:
    """Buffer `kind` for `fallout` as it is now; `details` (note, …) join the payload,
    their keys in camelCase like every payload key."""
    uow.record(
        kind,
        entity_type="fallout",
        entity_id=fallout.id,
        service_order_id=fallout.service_order_id,
        previous_state=previous_state,
        new_state=fallout.state,
        payload={
            "number": fallout.number,
            "state": fallout.state.value,
            "type": fallout.type.value,
            "priority": fallout.priority.value,
            "taskId": fallout.task_id,
            "assigneeId": fallout.assignee_id,
            "version": fallout.version,
            **details,
        },
    )
