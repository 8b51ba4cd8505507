"""Reopening a rejected order: it is NEW again, awaiting a fresh decision."""

from __future__ import annotations

import pytest
import pytest_asyncio

from models import Event, ServiceOrder, User
from models.enums import ServiceOrderState
from services.errors import DomainError, ErrorCode
from services.events.publisher import RecordingPublisher
from services.orders import approve_service_order, reject_service_order, reopen_service_order


@pytest_asyncio.fixture
async def rejected_order(users: dict[str, User], new_order: ServiceOrder) -> ServiceOrder:
    return await reject_service_order(users["manager"], new_order.id, "No coverage")


async def test_a_reopened_order_is_new_without_a_decision(
    users: dict[str, User], rejected_order: ServiceOrder
) -> None:
    reopened = await reopen_service_order(users["manager"], rejected_order.id, "Coverage fixed")

    stored = await ServiceOrder.get(id=rejected_order.id)
    assert (reopened.state, stored.state) == (ServiceOrderState.NEW,) * 2
    assert (stored.decided_by_id, stored.decided_at, stored.decision_reason) == (None,) * 3
    assert stored.version == 3


async def test_reopening_records_the_note_and_the_rejection_it_undoes(
    users: dict[str, User], published: RecordingPublisher, rejected_order: ServiceOrder
) -> None:
    published.published.clear()

    await reopen_service_order(users["manager"], rejected_order.id, "Coverage fixed")

    event = await Event.get(service_order_id=rejected_order.id, kind="service_order.reopened")
    assert (event.previous_state, event.new_state) == ("REJECTED", "NEW")
    assert (event.payload["note"], event.payload["rejectionReason"]) == (
        "Coverage fixed",
        "No coverage",
    )
    assert [e.kind for e in published.published] == ["service_order.reopened"]


async def test_a_reopened_order_can_be_approved(
    users: dict[str, User], rejected_order: ServiceOrder
) -> None:
    await reopen_service_order(users["manager"], rejected_order.id)

    approved = await approve_service_order(users["manager"], rejected_order.id, expected_version=3)

    assert approved.state is ServiceOrderState.IN_PROGRESS


async def test_reopening_with_a_stale_version_is_a_conflict(
    users: dict[str, User], rejected_order: ServiceOrder
) -> None:
    with pytest.raises(DomainError) as raised:
        await reopen_service_order(users["manager"], rejected_order.id, expected_version=1)

    assert (raised.value.code, raised.value.field) == (ErrorCode.CONFLICT, "expectedVersion")
    assert (await ServiceOrder.get(id=rejected_order.id)).state is ServiceOrderState.REJECTED
