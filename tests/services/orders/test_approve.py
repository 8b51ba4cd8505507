"""Approving a new order: the decision is recorded, the order is decomposed, once."""

from __future__ import annotations

import asyncio

import pytest

from models import DomainOrder, Event, ServiceOrder, Task, User
from models.enums import ServiceOrderState
from services.errors import ConflictError, DomainError, ErrorCode, InvalidStateError
from services.events.publisher import RecordingPublisher
from services.orders import approve_service_order
from tests.services.orders.helpers import snapshot


async def test_approval_records_who_decided_when_and_the_note(
    users: dict[str, User], new_order: ServiceOrder
) -> None:
    await approve_service_order(users["manager"], new_order.id, "  Credit check passed ")

    stored = await ServiceOrder.get(id=new_order.id)
    assert stored.decided_by_id == users["manager"].id
    assert stored.decided_at is not None
    assert stored.decision_reason == "Credit check passed"


async def test_an_approved_order_is_decomposed_and_in_progress(
    users: dict[str, User], new_order: ServiceOrder
) -> None:
    approved = await approve_service_order(users["manager"], new_order.id)

    stored = await ServiceOrder.get(id=new_order.id)
    assert (approved.state, stored.state) == (ServiceOrderState.IN_PROGRESS,) * 2
    assert await DomainOrder.filter(service_order_id=new_order.id).count() == 5
    assert stored.tasks_total == await Task.filter(service_order_id=new_order.id).count() == 7
    assert stored.tasks_done == 0


async def test_approval_records_approved_then_decomposed_then_in_progress(
    users: dict[str, User], published: RecordingPublisher, new_order: ServiceOrder
) -> None:
    published.published.clear()

    await approve_service_order(users["manager"], new_order.id, "ok")

    order_events = await Event.filter(
        service_order_id=new_order.id,
        entity_type="service_order",
        kind__not="service_order.submitted",
    )
    assert [
        (e.kind, e.previous_state, e.new_state, e.payload["version"]) for e in order_events
    ] == [
        ("service_order.approved", "NEW", "ACKNOWLEDGED", 2),
        ("service_order.decomposed", "ACKNOWLEDGED", "ACKNOWLEDGED", 2),
        ("service_order.state_changed", "ACKNOWLEDGED", "IN_PROGRESS", 3),
    ]
    assert order_events[0].payload["note"] == "ok"
    assert order_events[1].payload["tasks"] == 7
    assert {e.kind for e in published.published} == {
        "service_order.approved",
        "service_order.decomposed",
        "service_order.state_changed",
        "task.ready",
    }


async def test_approving_twice_fails_the_second_time_and_creates_nothing(
    users: dict[str, User], published: RecordingPublisher, new_order: ServiceOrder
) -> None:
    await approve_service_order(users["manager"], new_order.id)
    before = await snapshot()
    published.published.clear()

    with pytest.raises(InvalidStateError):
        await approve_service_order(users["manager"], new_order.id)

    assert await snapshot() == before
    assert published.published == []


async def test_approval_with_the_current_version_succeeds(
    users: dict[str, User], new_order: ServiceOrder
) -> None:
    approved = await approve_service_order(users["manager"], new_order.id, expected_version=1)

    assert approved.state is ServiceOrderState.IN_PROGRESS


async def test_approval_with_a_stale_version_is_a_conflict_and_changes_nothing(
    users: dict[str, User], published: RecordingPublisher, new_order: ServiceOrder
) -> None:
    before = await snapshot()
    published.published.clear()

    with pytest.raises(ConflictError) as raised:
        await approve_service_order(users["manager"], new_order.id, expected_version=2)

    assert raised.value.field == "expectedVersion"
    assert await snapshot() == before
    assert published.published == []


@pytest.mark.postgres_only
async def test_concurrent_approvals_decompose_the_order_once(
    users: dict[str, User], new_order: ServiceOrder
) -> None:
    results = await asyncio.gather(
        *(approve_service_order(users["manager"], new_order.id) for _ in range(3)),
        return_exceptions=True,
    )

    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 2
    assert all(isinstance(f, DomainError) and f.code is ErrorCode.INVALID_STATE for f in failures)
    assert await Task.filter(service_order_id=new_order.id).count() == 7
    approvals = await Event.filter(service_order_id=new_order.id, kind="service_order.approved")
    assert len(approvals) == 1
