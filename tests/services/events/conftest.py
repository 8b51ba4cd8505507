"""Fixtures for the events tests: a relay under the test's control, and events to feed it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

import pytest_asyncio

from models import Event, ServiceOrder, User
from models.enums import Role
from services.events.feed import Feed
from services.events.kinds import EventKind
from services.events.recorders import recorder_of
from services.events.relay import Relay
from services.unit_of_work import unit_of_work
from tests.services.events.redis_server import redis_server

__all__ = ["redis_server"]

# A wait that only guards against a hang; a passing test never comes near it.
SAFETY_TIMEOUT_SECONDS = 10.0
# So long that the relay of a test reads only when the test polls it.
NEVER = 3600.0


@pytest_asyncio.fixture
async def relay(db: str) -> AsyncIterator[Relay]:
    """A started relay that reads only when the test calls `poll()`."""
    started = Relay(catchup_interval=NEVER, queue_size=100)
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


async def record_events(
    count: int = 1,
    *,
    service_order_id: int | None = 1,
    kind: EventKind = EventKind.TASK_STARTED,
) -> list[int]:
    """Commit `count` events in one unit of work; returns their ids.

    What they are about does not exist: their payloads have their kind's keys, with no values.
    """
    payload = dict.fromkeys(recorder_of(kind).fields(kind).always)
    async with unit_of_work(None) as uow:
        for _ in range(count):
            uow.record(
                kind,
                entity_id=1,
                service_order_id=service_order_id,
                new_state="IN_PROGRESS",
                payload=payload,
            )
    ids = await Event.all().order_by("-id").limit(count).values_list("id", flat=True)
    return sorted(int(event_id) for event_id in ids)  # type: ignore[call-overload]


async def next_event(feed: Feed) -> Event:
    return await asyncio.wait_for(feed.get(), SAFETY_TIMEOUT_SECONDS)


async def take(stream: AsyncIterator[Event], count: int) -> list[int]:
    """The ids of the next `count` events of `stream`."""
    async with asyncio.timeout(SAFETY_TIMEOUT_SECONDS):
        return [(await anext(stream)).id for _ in range(count)]


async def until(condition: Callable[[], bool]) -> None:
    """Wait for `condition`, polling; bounded by the safety timeout."""
    async with asyncio.timeout(SAFETY_TIMEOUT_SECONDS):
        # Polled: the conditions are other components' state, which signals nothing.
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def make_user(username: str, roles: Sequence[Role]) -> User:
    return await User.create(
        username=username, display_name=username, roles=[role.value for role in roles]
    )


async def make_order(submitted_by: User, number: str) -> ServiceOrder:
    return await ServiceOrder.create(number=number, customer="ACME", submitted_by=submitted_by)
