"""Time an order spends held does not count: its due dates move later by the time held, and a
hold neither makes it late nor eats its margin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import ServiceOrder, Task, User
from models.enums import JeopardyLevel
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    hold_service_order,
    resume_service_order,
    submit_service_order,
)
from services.schedule.sweeper import sweep_jeopardy
from tests.fake_clock import FakeClock
from tests.services.schedule.orders import fibre_order, order_jeopardy_events


async def due_dates(order: ServiceOrder) -> dict[str, datetime]:
    tasks = await Task.filter(service_order_id=order.id)
    assert all(t.due_at is not None for t in tasks)
    return {t.number: t.due_at for t in tasks if t.due_at is not None}


async def test_a_hold_moves_every_due_date_later_by_its_length(
    users: dict[str, User], clock: FakeClock
) -> None:
    # given an order on time, its due dates as approved
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=25))
    before = await due_dates(order)

    # when it is held for ten hours, then resumed
    clock.advance(minutes=10)
    await hold_service_order(users["manager"], order.id, "The customer asked us to wait.")
    clock.advance(hours=10)
    await resume_service_order(users["manager"], order.id)

    # then every due date is ten hours later, and the order is still on time
    after = await due_dates(order)
    assert after == {number: due + timedelta(hours=10) for number, due in before.items()}
    assert (await ServiceOrder.get(id=order.id)).jeopardy is JeopardyLevel.NONE


async def test_while_held_time_passing_raises_no_level(
    users: dict[str, User], clock: FakeClock
) -> None:
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=25))
    await hold_service_order(users["manager"], order.id, "The customer asked us to wait.")

    clock.advance(hours=30)
    await sweep_jeopardy()

    assert (await ServiceOrder.get(id=order.id)).jeopardy is JeopardyLevel.NONE
    assert await order_jeopardy_events(order.id) == []


async def test_without_the_hold_the_same_wait_would_have_made_it_late(
    users: dict[str, User], clock: FakeClock
) -> None:
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=25))

    clock.advance(hours=30)
    await sweep_jeopardy()

    assert (await ServiceOrder.get(id=order.id)).jeopardy is JeopardyLevel.LATE


async def test_a_hold_on_an_order_due_on_the_calendar_s_last_day_leaves_it_there(
    users: dict[str, User], clock: FakeClock
) -> None:
    order = await submit_service_order(
        users["partner"],
        SubmitOrderInput(
            customer="ACME Corp",
            line_items=[LineItemInput("FIBRE_BROADBAND")],
            requested_completion_date=datetime.max.replace(tzinfo=UTC),
        ),
    )
    await approve_service_order(users["manager"], order.id)
    await hold_service_order(users["manager"], order.id, "The customer asked us to wait.")
    clock.advance(hours=1)

    await resume_service_order(users["manager"], order.id)

    assert (await ServiceOrder.get(id=order.id)).jeopardy is JeopardyLevel.NONE
    assert {t.due_at for t in await Task.filter(service_order_id=order.id)} != {None}
