"""The jeopardy sweeper raises a level once its time has come, once, on one process."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from models import ServiceOrder, User
from models.enums import JeopardyLevel
from services.schedule.sweeper import sweep_jeopardy
from services.sweeping.runtime import SWEEPERS, sweep_once
from tests.fake_clock import FakeClock
from tests.services.schedule.orders import fibre_order, order_jeopardy_events
from tests.services.task_plans import snapshot

# Requested 25 h after the expected completion: on time, until an hour passes with the first
# task not started (the completion slides with the clock) and the margin falls under a day.
MARGIN = timedelta(hours=25)
JEOPARDY = next(sweeper for sweeper in SWEEPERS if sweeper.name == "jeopardy")


async def test_an_order_is_due_for_a_check_when_time_alone_would_raise_its_level(
    users: dict[str, User], clock: FakeClock
) -> None:
    order = await fibre_order(users, clock.now(), margin=MARGIN)

    assert order.jeopardy is JeopardyLevel.NONE
    assert order.next_jeopardy_check_at == clock.now() + timedelta(hours=1)


async def test_before_the_threshold_the_sweeper_changes_nothing(
    users: dict[str, User], clock: FakeClock
) -> None:
    await fibre_order(users, clock.now(), margin=MARGIN)
    clock.advance(minutes=59)
    before = await snapshot()

    assert await sweep_jeopardy() == 0

    assert await snapshot(before) == before


async def test_the_sweeper_raises_the_level_when_time_passes_the_threshold_once(
    users: dict[str, User], clock: FakeClock
) -> None:
    order = await fibre_order(users, clock.now(), margin=MARGIN)
    clock.advance(hours=1)

    assert await sweep_jeopardy() > 0
    assert await sweep_jeopardy() == 0

    stored = await ServiceOrder.get(id=order.id)
    assert stored.jeopardy is JeopardyLevel.AT_RISK
    assert await order_jeopardy_events(order.id) == ["AT_RISK"]
    assert stored.next_jeopardy_check_at is not None
    assert stored.next_jeopardy_check_at > clock.now()


async def test_a_clock_gone_backwards_changes_nothing(
    users: dict[str, User], clock: FakeClock
) -> None:
    order = await fibre_order(users, clock.now(), margin=MARGIN)
    clock.advance(hours=1)
    await sweep_jeopardy()
    before = await snapshot()

    clock.advance(hours=-2)
    assert await sweep_jeopardy() == 0

    assert await snapshot(before) == before
    assert (await ServiceOrder.get(id=order.id)).jeopardy is JeopardyLevel.AT_RISK


async def test_time_passing_every_threshold_takes_the_order_to_critical_one_level_at_a_time(
    users: dict[str, User], clock: FakeClock
) -> None:
    order = await fibre_order(users, clock.now(), margin=MARGIN)

    for _ in range(50):
        stored = await ServiceOrder.get(id=order.id)
        if stored.next_jeopardy_check_at is None:
            break
        clock.set(stored.next_jeopardy_check_at)
        await sweep_jeopardy()

    assert await order_jeopardy_events(order.id) == ["AT_RISK", "LATE", "CRITICAL"]


@pytest.mark.postgres_only
async def test_of_two_processes_only_the_lease_holder_sweeps(
    users: dict[str, User], clock: FakeClock
) -> None:
    order = await fibre_order(users, clock.now(), margin=MARGIN)
    clock.advance(hours=1)

    one, two = await asyncio.gather(sweep_once(JEOPARDY, "one"), sweep_once(JEOPARDY, "two"))

    assert sorted([one is None, two is None]) == [False, True]
    assert await order_jeopardy_events(order.id) == ["AT_RISK"]


@pytest.mark.postgres_only
async def test_two_passes_at_once_write_one_event(users: dict[str, User], clock: FakeClock) -> None:
    order = await fibre_order(users, clock.now(), margin=MARGIN)
    clock.advance(hours=1)

    changed = await asyncio.gather(sweep_jeopardy(), sweep_jeopardy())

    assert sorted(changed)[0] == 0
    assert await order_jeopardy_events(order.id) == ["AT_RISK"]
