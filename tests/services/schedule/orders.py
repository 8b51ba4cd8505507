"""Orders with a requested completion date, approved at the test clock's time, for the tests of
the schedule over time (the sweeper, the API, the subscriptions)."""

from __future__ import annotations

from datetime import datetime, timedelta

from models import Event, ServiceOrder, Task, User
from models.enums import TaskState
from services.events.kinds import EventKind
from services.orders import LineItemInput, SubmitOrderInput, approve_service_order
from services.orders import submit_service_order as submit

# FIBRE_BROADBAND's longest chain: ship ONT 1440, survey 60, install 120, activate 30, billing 15.
FIBRE_MINUTES = 1665


async def fibre_order(users: dict[str, User], now: datetime, *, margin: timedelta) -> ServiceOrder:
    """A FIBRE_BROADBAND order approved at `now`, requested `margin` after its expected
    completion (negative: before it)."""
    requested = now + timedelta(minutes=FIBRE_MINUTES) + margin
    order = await submit(
        users["partner"],
        SubmitOrderInput(
            customer="ACME Corp",
            line_items=[LineItemInput("FIBRE_BROADBAND")],
            requested_completion_date=requested,
        ),
    )
    return await approve_service_order(users["manager"], order.id)


async def first_critical_task(order: ServiceOrder) -> Task:
    """The READY task at the head of the critical path."""
    task = await Task.filter(
        service_order_id=order.id, state=TaskState.READY, on_critical_path=True
    ).first()
    assert task is not None
    return task


async def order_jeopardy_events(order_id: int) -> list[str]:
    """The levels of the order's `service_order.jeopardy_changed` events, in order."""
    events = await Event.filter(
        service_order_id=order_id, kind=EventKind.SERVICE_ORDER_JEOPARDY_CHANGED
    ).order_by("id")
    return [str(event.payload["jeopardy"]) for event in events]
