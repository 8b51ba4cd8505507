"""What the background work tells the operator: sweeper passes by outcome, what they changed and
how long they took; jeopardy level changes by entity and level; the orders at each level."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from models import ServiceOrder, User
from models.enums import JeopardyLevel
from services.locking import lock_order
from services.observability.sampler import sample_jeopardy, sample_leases
from services.schedule.reschedule import reschedule
from services.sweeping.lease import hold_lease
from services.sweeping.runtime import SWEEPERS, Sweeper, sweep_once
from services.unit_of_work import unit_of_work
from tests.fake_clock import FakeClock
from tests.services.schedule.orders import fibre_order

pytestmark = pytest.mark.usefixtures("db")

# On time until an hour passes with the first task not started (tests/services/schedule).
MARGIN = timedelta(hours=25)
JEOPARDY = next(sweeper for sweeper in SWEEPERS if sweeper.name == "jeopardy")
CHANGED = "fulfillment_sweeper_changed_total"
DURATION_COUNT = "fulfillment_sweeper_pass_duration_seconds_count"
ENTITIES_AND_LEVELS = [
    (entity, level.value) for entity in ("order", "task") for level in JeopardyLevel
]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def passes(sweeper: str, outcome: str) -> float:
    return sample("fulfillment_sweeper_passes_total", sweeper=sweeper, outcome=outcome)


def jeopardy_changes() -> dict[tuple[str, str], float]:
    return {
        (entity, level): sample("fulfillment_jeopardy_changes_total", entity=entity, level=level)
        for entity, level in ENTITIES_AND_LEVELS
    }


def sweeper_changing(name: str, changed: int) -> Sweeper:
    async def sweep() -> int:
        return changed

    return Sweeper(name=name, interval_seconds=10, sweep=sweep)


async def test_a_pass_that_ran_is_counted_with_what_it_changed_and_its_duration(
    clock: FakeClock,
) -> None:
    # given
    sweeper = sweeper_changing("metrics-ran", 3)
    ran, changed = passes("metrics-ran", "ran"), sample(CHANGED, sweeper="metrics-ran")
    timed = sample(DURATION_COUNT, sweeper="metrics-ran")

    # when
    await sweep_once(sweeper, "one")

    # then
    assert passes("metrics-ran", "ran") - ran == 1
    assert sample(CHANGED, sweeper="metrics-ran") - changed == 3
    assert sample(DURATION_COUNT, sweeper="metrics-ran") - timed == 1


async def test_a_pass_on_a_process_without_the_lease_is_counted_not_leader(
    clock: FakeClock,
) -> None:
    # given another process holds the lease
    sweeper = sweeper_changing("metrics-follower", 1)
    await hold_lease("metrics-follower", "one", seconds=30)
    not_leader, ran = passes("metrics-follower", "not_leader"), passes("metrics-follower", "ran")

    # when
    await sweep_once(sweeper, "two")

    # then
    assert passes("metrics-follower", "not_leader") - not_leader == 1
    assert passes("metrics-follower", "ran") == ran


async def test_a_pass_that_raises_is_counted_failed(clock: FakeClock) -> None:
    # given
    async def sweep() -> int:
        raise RuntimeError("the database went away")

    sweeper = Sweeper(name="metrics-failing", interval_seconds=10, sweep=sweep)
    failed, ran = passes("metrics-failing", "failed"), passes("metrics-failing", "ran")

    # when
    with pytest.raises(RuntimeError):
        await sweep_once(sweeper, "one")

    # then
    assert passes("metrics-failing", "failed") - failed == 1
    assert passes("metrics-failing", "ran") == ran


def test_every_sweeper_s_passes_are_exported_before_its_first_pass() -> None:
    # given the runtime imported, when nothing ran yet, then a zero series exists per outcome
    for sweeper in SWEEPERS:
        for outcome in ("ran", "not_leader", "failed"):
            value = REGISTRY.get_sample_value(
                "fulfillment_sweeper_passes_total", {"sweeper": sweeper.name, "outcome": outcome}
            )
            assert value is not None


async def test_each_level_change_the_sweeper_commits_is_counted_by_entity_and_level(
    users: dict[str, User], clock: FakeClock
) -> None:
    # given an order whose first hour has passed with its first task not started
    await fibre_order(users, clock.now(), margin=MARGIN)
    clock.advance(hours=1)
    before = jeopardy_changes()

    # when
    changed = await sweep_once(JEOPARDY, "one")

    # then
    after = jeopardy_changes()
    delta = {key: after[key] - before[key] for key in after}
    assert delta[("order", "AT_RISK")] == 1
    assert changed is not None and sum(delta.values()) == changed


async def test_a_level_change_rolled_back_is_not_counted(
    users: dict[str, User], clock: FakeClock
) -> None:
    # given
    order = await fibre_order(users, clock.now(), margin=MARGIN)
    clock.advance(hours=1)
    before = jeopardy_changes()

    # when the change's transaction fails after the level moved
    with pytest.raises(RuntimeError):
        async with unit_of_work(None) as uow:
            await reschedule(uow, await lock_order(order.id))
            assert uow.events
            raise RuntimeError("a later statement failed")

    # then
    assert jeopardy_changes() == before


async def test_the_orders_at_each_level_above_none_are_sampled(
    users: dict[str, User], clock: FakeClock
) -> None:
    # given one order at risk, one late and one on time
    at_risk = await fibre_order(users, clock.now(), margin=MARGIN)
    late = await fibre_order(users, clock.now(), margin=MARGIN)
    await fibre_order(users, clock.now(), margin=MARGIN)
    await ServiceOrder.filter(id=at_risk.id).update(jeopardy=JeopardyLevel.AT_RISK)
    await ServiceOrder.filter(id=late.id).update(jeopardy=JeopardyLevel.LATE)

    # when
    await sample_jeopardy()

    # then
    levels = {"AT_RISK": 1.0, "LATE": 1.0, "CRITICAL": 0.0}
    for level, orders in levels.items():
        assert sample("fulfillment_orders_in_jeopardy", level=level) == orders
    assert REGISTRY.get_sample_value("fulfillment_orders_in_jeopardy", {"level": "NONE"}) is None


async def test_a_held_lease_is_sampled_as_the_seconds_it_has_left(clock: FakeClock) -> None:
    # given a process took the jeopardy sweeper's lease 30 s ago, for 90 s
    await hold_lease("jeopardy", "one", seconds=90)
    clock.advance(seconds=30)

    # when
    await sample_leases()

    # then
    assert sample("fulfillment_sweeper_lease_seconds_left", sweeper="jeopardy") == 60


async def test_a_lease_no_process_renewed_is_sampled_as_none_left(clock: FakeClock) -> None:
    # given the holder stopped renewing three intervals ago
    await hold_lease("jeopardy", "one", seconds=90)
    clock.advance(seconds=120)

    # when
    await sample_leases()

    # then
    assert sample("fulfillment_sweeper_lease_seconds_left", sweeper="jeopardy") <= 0
