"""A sweeper runs on one process at a time: the lease decides which."""

import asyncio

import pytest

from services.sweeping.lease import hold_lease, release_lease
from services.sweeping.runtime import Sweeper, sweep_once
from tests.fake_clock import FakeClock

pytestmark = pytest.mark.usefixtures("db")


async def test_the_first_process_to_ask_holds_the_lease(clock: FakeClock) -> None:
    assert await hold_lease("jeopardy", "one", seconds=30)
    assert not await hold_lease("jeopardy", "two", seconds=30)


async def test_the_holder_renews_its_lease(clock: FakeClock) -> None:
    await hold_lease("jeopardy", "one", seconds=30)
    clock.advance(seconds=20)
    assert await hold_lease("jeopardy", "one", seconds=30)
    clock.advance(seconds=20)  # 40 s after the first: the renewal still holds
    assert not await hold_lease("jeopardy", "two", seconds=30)


async def test_another_process_takes_an_expired_lease(clock: FakeClock) -> None:
    await hold_lease("jeopardy", "one", seconds=30)
    clock.advance(seconds=31)
    assert await hold_lease("jeopardy", "two", seconds=30)
    assert not await hold_lease("jeopardy", "one", seconds=30)


async def test_a_released_lease_is_taken_at_once(clock: FakeClock) -> None:
    await hold_lease("jeopardy", "one", seconds=30)
    await release_lease("jeopardy", "one")
    assert await hold_lease("jeopardy", "two", seconds=30)


async def test_leases_of_different_sweepers_are_independent(clock: FakeClock) -> None:
    assert await hold_lease("jeopardy", "one", seconds=30)
    assert await hold_lease("locks", "two", seconds=30)


async def test_processes_asking_at_once_get_one_holder(clock: FakeClock) -> None:
    answers = await asyncio.gather(*(hold_lease("jeopardy", f"p{n}", seconds=30) for n in range(8)))
    assert answers.count(True) == 1


async def test_only_the_holder_runs_a_sweeper_pass(clock: FakeClock) -> None:
    passes: list[str] = []

    async def sweep() -> int:
        passes.append("swept")
        return 1

    sweeper = Sweeper(name="jeopardy", interval_seconds=10, sweep=sweep)
    assert await sweep_once(sweeper, "one") == 1
    assert await sweep_once(sweeper, "two") is None
    assert passes == ["swept"]
