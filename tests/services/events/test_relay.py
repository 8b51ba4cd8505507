"""The relay: reads committed events in id order and hands each to every matching feed once."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.transactions import in_transaction

from models import Event
from services.errors import ValidationError
from services.events.feed import FeedClosed
from services.events.kinds import EventKind
from services.events.relay import Relay
from services.unit_of_work import now, unit_of_work
from tests.services.events.conftest import next_event, record_events


async def test_a_committed_event_reaches_a_subscriber_when_the_relay_reads(relay: Relay) -> None:
    # given
    feed = relay.subscribe(lambda event: True)
    [event_id] = await record_events(1)

    # when
    await relay.poll()

    # then
    assert (await next_event(feed)).id == event_id


async def test_the_catch_up_delivers_without_any_hint(db: str) -> None:
    # given a relay that reads on its own every 50 ms, and no publisher to wake it
    relay = Relay(catchup_interval=0.05, queue_size=10)
    await relay.start()
    feed = relay.subscribe(lambda event: True)
    try:
        # when
        [event_id] = await record_events(1)

        # then
        assert (await next_event(feed)).id == event_id
    finally:
        await relay.stop()


async def test_a_wake_up_makes_the_relay_read_before_the_catch_up(relay: Relay) -> None:
    # given a relay whose catch-up is an hour away
    feed = relay.subscribe(lambda event: True)
    [event_id] = await record_events(1)

    # when
    relay.wake()

    # then
    assert (await next_event(feed)).id == event_id


async def test_events_arrive_in_id_order_each_once_across_reads(relay: Relay) -> None:
    # given
    feed = relay.subscribe(lambda event: True)
    first = await record_events(3)
    await relay.poll()
    second = await record_events(2)

    # when
    await relay.poll()
    await relay.poll()

    # then
    received = [(await next_event(feed)).id for _ in range(5)]
    assert received == first + second
    assert feed.qsize() == 0


async def test_reads_are_batched_and_take_everything_committed(db: str) -> None:
    # given a relay reading two rows at a time
    relay = Relay(catchup_interval=3600, queue_size=10, batch_size=2)
    await relay.start()
    feed = relay.subscribe(lambda event: True)
    ids = await record_events(5)
    try:
        # when
        handed_out = await relay.poll()

        # then
        assert handed_out == 5
        assert [(await next_event(feed)).id for _ in range(5)] == ids
    finally:
        await relay.stop()


async def test_a_feed_gets_only_the_events_it_matches(relay: Relay) -> None:
    # given
    feed = relay.subscribe(lambda event: event.service_order_id == 2)
    await record_events(1, service_order_id=1)
    [wanted] = await record_events(1, service_order_id=2)

    # when
    await relay.poll()

    # then
    assert (await next_event(feed)).id == wanted
    assert feed.qsize() == 0


async def test_a_rolled_back_change_delivers_nothing(relay: Relay) -> None:
    # given
    feed = relay.subscribe(lambda event: True)
    with pytest.raises(ValidationError):
        async with unit_of_work(None) as uow:
            uow.record(EventKind.TASK_STARTED, entity_id=1, service_order_id=1)
            raise ValidationError("no", field="taskId")
    [committed] = await record_events(1)

    # when
    await relay.poll()

    # then the first event the feed gets is the committed one, and it is the only one
    assert (await next_event(feed)).id == committed
    assert feed.qsize() == 0


async def test_a_slow_subscriber_is_dropped_while_a_fast_one_keeps_receiving(
    relay: Relay,
) -> None:
    # given a subscriber that never reads (room for 2) and one that reads
    slow = relay.subscribe(lambda event: True, queue_size=2)
    fast = relay.subscribe(lambda event: True, queue_size=2)
    ids = await record_events(2)
    await relay.poll()
    received = [(await next_event(fast)).id for _ in range(2)]
    ids += await record_events(2)

    # when
    await relay.poll()

    # then
    received += [(await next_event(fast)).id for _ in range(2)]
    assert received == ids
    with pytest.raises(FeedClosed) as closed:
        await slow.get()
    assert closed.value.slow
    assert "too slow" in closed.value.reason
    assert slow.qsize() == 0  # its backlog is let go, not kept
    assert relay.subscriber_count == 1


async def test_stopping_the_relay_closes_every_feed(db: str) -> None:
    # given
    relay = Relay(catchup_interval=3600, queue_size=10)
    await relay.start()
    feed = relay.subscribe(lambda event: True)

    # when
    await relay.stop()

    # then
    with pytest.raises(FeedClosed) as closed:
        await feed.get()
    assert not closed.value.slow


async def test_a_relay_starts_after_the_events_already_in_the_table(db: str) -> None:
    # given
    await record_events(2)
    relay = Relay(catchup_interval=3600, queue_size=10)
    await relay.start()
    feed = relay.subscribe(lambda event: True)
    try:
        [new] = await record_events(1)

        # when
        await relay.poll()

        # then
        assert (await next_event(feed)).id == new
        assert feed.qsize() == 0
    finally:
        await relay.stop()


async def _insert_event(service_order_id: int) -> Event:
    return await Event.create(
        occurred_at=now(),
        kind="task.started",
        entity_type="task",
        entity_id=1,
        service_order_id=service_order_id,
    )


@pytest.mark.postgres_only
async def test_an_event_that_commits_late_with_a_lower_id_is_still_delivered(
    relay: Relay,
) -> None:
    # given a transaction that has drawn an id but not committed yet
    feed = relay.subscribe(lambda event: True)
    inserted, release = asyncio.Event(), asyncio.Event()
    late_ids: list[int] = []

    async def commit_late() -> None:
        async with in_transaction():
            late_ids.append((await _insert_event(service_order_id=1)).id)
            inserted.set()
            await release.wait()

    late = asyncio.create_task(commit_late())
    await inserted.wait()
    # ...and another that draws a higher id and commits first
    early_id = (await _insert_event(service_order_id=2)).id
    await relay.poll()
    assert (await next_event(feed)).id == early_id

    # when the first transaction commits
    release.set()
    await late
    await relay.poll()

    # then its lower id is delivered after all
    [late_id] = late_ids
    assert late_id < early_id
    assert (await next_event(feed)).id == late_id
    assert feed.qsize() == 0
