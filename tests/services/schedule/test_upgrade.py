"""After the upgrade, every open order has a schedule: the orders planned before the schedule
existed (0009 added its columns empty) are made due for the jeopardy sweeper by 0015, and the
sweeper's passes compute their schedules in batches."""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from tortoise import connections

from models import ServiceOrder, Task, User
from models.enums import JeopardyLevel, ServiceOrderState
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    hold_service_order,
    submit_service_order,
)
from services.schedule import sweeper
from services.schedule.storage import SCHEDULE_COLUMNS
from services.schedule.sweeper import sweep_jeopardy
from tests.fake_clock import FakeClock
from tests.services.schedule.orders import fibre_order, order_jeopardy_events
from tests.services.task_plans import approved_order, snapshot, work_every_task

ORDER_SCHEDULE = (
    "expected_completion_at",
    "jeopardy",
    "jeopardy_reason",
    "lateness_minutes",
    "next_jeopardy_check_at",
    "scheduled_at",
)
LATE = timedelta(hours=-5)  # requested 5 h before the completion its plan gives


async def planned_before_the_schedule(order_id: int, created_at: Any) -> None:
    """The order as a database from before 0009 holds it once 0009 has run: the schedule's
    columns at their defaults (created at `created_at`)."""
    await ServiceOrder.filter(id=order_id).update(
        created_at=created_at,
        expected_completion_at=None,
        jeopardy=JeopardyLevel.NONE,
        jeopardy_reason="",
        lateness_minutes=0,
        next_jeopardy_check_at=None,
        scheduled_at=None,
    )
    await Task.filter(service_order_id=order_id).update(
        planned_start_at=None,
        planned_end_at=None,
        slack_minutes=None,
        on_critical_path=False,
        jeopardy=JeopardyLevel.NONE,
        jeopardy_reason="",
        lateness_minutes=0,
    )


async def upgrade() -> None:
    """What 0015 does to the rows (its one operation, on the test's database)."""
    migration = importlib.import_module("models.migrations.0015_schedule_backfill")
    editor = SimpleNamespace(client=connections.get("default"))
    await migration.make_unscheduled_orders_due(None, editor)


async def schedule_of(order_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    order = await ServiceOrder.filter(id=order_id).values(*ORDER_SCHEDULE)
    tasks = (
        await Task.filter(service_order_id=order_id)
        .order_by("id")
        .values("number", *SCHEDULE_COLUMNS)
    )
    return order[0], tasks


async def test_an_order_planned_before_the_schedule_gets_it_from_the_first_sweep_after_the_upgrade(
    users: dict[str, User], clock: FakeClock
) -> None:
    # Given a late order in progress, planned before the schedule existed
    order = await fibre_order(users, clock.now(), margin=LATE)
    planned = await schedule_of(order.id)
    assert planned[0]["jeopardy"] is JeopardyLevel.LATE
    await planned_before_the_schedule(order.id, clock.now() - timedelta(days=1))
    assert (await schedule_of(order.id)) != planned

    # When the database is upgraded and the sweeper passes
    await upgrade()
    assert await sweep_jeopardy() > 0

    # Then the order and its tasks have the schedule a change would have given them, and its
    # jeopardy went out as a change (NONE → LATE), as for any order whose level moves
    assert await schedule_of(order.id) == planned
    assert await order_jeopardy_events(order.id) == ["LATE", "LATE"]
    assert await sweep_jeopardy() == 0


async def test_a_held_order_planned_before_the_schedule_gets_it_too(
    users: dict[str, User], clock: FakeClock
) -> None:
    order = await fibre_order(users, clock.now(), margin=LATE)
    await hold_service_order(users["manager"], order.id, reason="customer away")
    planned = await schedule_of(order.id)
    await planned_before_the_schedule(order.id, clock.now() - timedelta(days=1))

    await upgrade()
    await sweep_jeopardy()

    assert await schedule_of(order.id) == planned
    assert (await ServiceOrder.get(id=order.id)).state is ServiceOrderState.HELD


async def test_orders_not_planned_or_finished_are_left_as_they_are(
    users: dict[str, User], clock: FakeClock
) -> None:
    # Given an order waiting for approval and a completed one, neither with a schedule
    waiting = await submit_service_order(
        users["partner"],
        SubmitOrderInput(customer="ACME Corp", line_items=[LineItemInput("FIBRE_BROADBAND")]),
    )
    done = await approved_order(users, "FIBRE_BROADBAND")
    await work_every_task(done.id, users)
    for order_id in (waiting.id, done.id):
        await planned_before_the_schedule(order_id, clock.now() - timedelta(days=1))
    before = await snapshot()

    # When the database is upgraded and the sweeper passes
    await upgrade()
    assert await sweep_jeopardy() == 0

    # Then nothing changed: there is nothing to schedule in either
    assert await snapshot(before) == before


async def test_the_sweeper_schedules_them_in_batches_oldest_first(
    users: dict[str, User], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given three orders planned before the schedule, created a day, two and three days ago
    orders = [await fibre_order(users, clock.now(), margin=LATE) for _ in range(3)]
    for age, order in enumerate(orders, start=1):
        await planned_before_the_schedule(order.id, clock.now() - timedelta(days=age))
    monkeypatch.setattr(sweeper, "BATCH", 2)
    await upgrade()

    # When the sweeper passes once, then again
    await sweep_jeopardy()
    first = [(await ServiceOrder.get(id=o.id)).scheduled_at is not None for o in orders]
    await sweep_jeopardy()
    second = [(await ServiceOrder.get(id=o.id)).scheduled_at is not None for o in orders]

    # Then the first pass took the two oldest, and the next one the rest
    assert first == [False, True, True]
    assert second == [True, True, True]


async def test_a_pass_whose_time_is_up_leaves_the_rest_to_the_next(
    users: dict[str, User], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two orders planned before the schedule, and passes with no time to spare
    orders = [await fibre_order(users, clock.now(), margin=LATE) for _ in range(2)]
    for age, order in enumerate(orders, start=1):
        await planned_before_the_schedule(order.id, clock.now() - timedelta(days=age))
    monkeypatch.setattr(sweeper, "PASS_SECONDS", 0.0)
    await upgrade()

    # When the sweeper passes once, then again
    await sweep_jeopardy()
    first = [(await ServiceOrder.get(id=o.id)).scheduled_at is not None for o in orders]
    await sweep_jeopardy()
    second = [(await ServiceOrder.get(id=o.id)).scheduled_at is not None for o in orders]

    # Then each pass took one order, the oldest first
    assert first == [False, True]
    assert second == [True, True]
