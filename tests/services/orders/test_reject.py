"""Rejecting a new order: it needs a reason, which the order keeps."""

from __future__ import annotations

import pytest

from models import Event, ServiceOrder, User
from models.enums import ServiceOrderState
from services.errors import DomainError, ErrorCode
from services.events.publisher import RecordingPublisher
from services.orders import reject_service_order
from tests.services.orders.helpers import snapshot


async def test_a_rejected_order_keeps_the_reason_and_who_decided(
    users: dict[str, User], new_order: ServiceOrder
) -> None:
    rejected = await reject_service_order(users["manager"], new_order.id, " No coverage ")

    stored = await ServiceOrder.get(id=new_order.id)
    assert (rejected.state, stored.state) == (ServiceOrderState.REJECTED,) * 2
    assert (stored.decision_reason, stored.decided_by_id) == ("No coverage", users["manager"].id)
    assert stored.decided_at is not None
    assert stored.version == 2


async def test_rejection_records_and_publishes_a_rejected_event(
    users: dict[str, User], published: RecordingPublisher, new_order: ServiceOrder
) -> None:
    published.published.clear()

    await reject_service_order(users["manager"], new_order.id, "No coverage")

    event = await Event.get(service_order_id=new_order.id, kind="service_order.rejected")
    assert (event.previous_state, event.new_state, event.actor_id) == (
        "NEW",
        "REJECTED",
        users["manager"].id,
    )
    assert (event.payload["reason"], event.payload["version"]) == ("No coverage", 2)
    assert [e.kind for e in published.published] == ["service_order.rejected"]


@pytest.mark.parametrize("reason", ["", "   "])
async def test_a_rejection_without_a_reason_is_refused(
    users: dict[str, User], published: RecordingPublisher, new_order: ServiceOrder, reason: str
) -> None:
    before = await snapshot()
    published.published.clear()

    with pytest.raises(DomainError) as raised:
        await reject_service_order(users["manager"], new_order.id, reason)

    assert (raised.value.code, raised.value.field) == (ErrorCode.VALIDATION, "reason")
    assert await snapshot() == before
    assert published.published == []


async def test_rejection_with_a_stale_version_is_a_conflict(
    users: dict[str, User], new_order: ServiceOrder
) -> None:
    with pytest.raises(DomainError) as raised:
        await reject_service_order(users["manager"], new_order.id, "No", expected_version=7)

    assert (raised.value.code, raised.value.field) == (ErrorCode.CONFLICT, "expectedVersion")
    assert (await ServiceOrder.get(id=new_order.id)).state is ServiceOrderState.NEW
