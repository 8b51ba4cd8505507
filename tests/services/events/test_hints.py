"""The hint publisher: after a commit, wake the local relay and tell the broker, best-effort."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from broadcaster import Broadcast, BroadcastBackend
from broadcaster._backends.memory import MemoryBackend

from services.errors import ValidationError
from services.events.hints import HINT_CHANNEL, HintPublisher
from services.events.kinds import EventKind
from services.events.publisher import set_publisher
from services.unit_of_work import unit_of_work
from tests.services.events.conftest import SAFETY_TIMEOUT_SECONDS, record_events, until


class BrokenBroker(MemoryBackend):
    async def publish(self, channel: str, message: Any) -> None:
        raise ConnectionError("broker down")


class Wakes:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


async def _installed(backend: BroadcastBackend) -> AsyncIterator[tuple[HintPublisher, Wakes]]:
    broadcast = Broadcast(backend=backend)
    await broadcast.connect()
    wakes = Wakes()
    hints = HintPublisher(broadcast, wake_local=wakes)
    hints.start()
    previous = set_publisher(hints)
    try:
        yield hints, wakes
    finally:
        set_publisher(previous)
        await hints.stop()
        await broadcast.disconnect()


@pytest_asyncio.fixture
async def memory_hints(db: str) -> AsyncIterator[tuple[HintPublisher, Wakes]]:
    async for installed in _installed(MemoryBackend("memory://")):
        yield installed


@pytest_asyncio.fixture
async def broken_hints(db: str) -> AsyncIterator[tuple[HintPublisher, Wakes]]:
    async for installed in _installed(BrokenBroker("memory://")):
        yield installed


async def test_a_commit_wakes_the_local_relay_and_sends_a_hint(
    memory_hints: tuple[HintPublisher, Wakes],
) -> None:
    # given
    hints, wakes = memory_hints

    # when
    await record_events(2)

    # then
    await until(lambda: hints.sent == 1)
    assert wakes.count == 1


async def test_a_rolled_back_change_wakes_nothing_and_hints_nothing(
    memory_hints: tuple[HintPublisher, Wakes],
) -> None:
    # given
    hints, wakes = memory_hints

    # when
    with pytest.raises(ValidationError):
        async with unit_of_work(None) as uow:
            uow.record(EventKind.TASK_STARTED, entity_id=1, service_order_id=1)
            raise ValidationError("no")
    await record_events(1)

    # then only the committed change was announced
    await until(lambda: hints.sent == 1)
    assert wakes.count == 1


async def test_a_broker_failure_does_not_fail_the_change(
    broken_hints: tuple[HintPublisher, Wakes],
) -> None:
    # given
    hints, wakes = broken_hints

    # when
    ids = await record_events(1)

    # then
    assert ids
    await until(lambda: hints.failed == 1)
    assert wakes.count == 1  # this process's subscribers still hear of it at once


async def test_hints_go_out_on_the_hint_channel(db: str) -> None:
    # given
    broadcast = Broadcast(backend=MemoryBackend("memory://"))
    await broadcast.connect()
    hints = HintPublisher(broadcast, wake_local=Wakes())
    hints.start()
    try:
        async with broadcast.subscribe(HINT_CHANNEL) as subscriber:
            # when
            await hints.publish(await _one_event())

            # then
            event = await asyncio.wait_for(subscriber.get(), SAFETY_TIMEOUT_SECONDS)
            assert event.channel == HINT_CHANNEL
    finally:
        await hints.stop()
        await broadcast.disconnect()


async def _one_event() -> list[Any]:
    from models import Event

    await record_events(1)
    return list(await Event.all())
