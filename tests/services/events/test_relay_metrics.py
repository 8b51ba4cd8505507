"""What the relay tells the operator: the outbox backlog it has not read yet, what it read
and how old the newest was, and the subscribers it dropped for being too slow."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import REGISTRY

from models import Event
from services.events.relay import Relay
from services.unit_of_work import now
from tests.services.events.conftest import record_events


def sample(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


async def test_the_backlog_counts_committed_events_the_relay_has_not_read(relay: Relay) -> None:
    # given
    await record_events(3)

    # when
    backlog = await relay.backlog()

    # then
    assert backlog == 3


async def test_the_backlog_is_empty_once_the_relay_has_read(relay: Relay) -> None:
    # given
    await record_events(3)

    # when
    await relay.poll()

    # then
    assert await relay.backlog() == 0


async def test_what_the_relay_reads_is_counted(relay: Relay) -> None:
    # given
    before = sample("fulfillment_relay_events_total")
    await record_events(4)

    # when
    await relay.poll()

    # then
    assert sample("fulfillment_relay_events_total") - before == 4


async def test_the_lag_is_the_age_of_the_newest_event_read(relay: Relay) -> None:
    # given an event that occurred an hour before the relay reads it
    [event_id] = await record_events(1)
    await Event.filter(id=event_id).update(occurred_at=now() - timedelta(hours=1))

    # when
    await relay.poll()

    # then
    assert sample("fulfillment_relay_lag_seconds") >= 3600


async def test_a_subscriber_dropped_for_being_slow_is_counted(relay: Relay) -> None:
    # given a subscriber with room for two events
    relay.subscribe(lambda event: True, queue_size=2)
    before = sample("fulfillment_subscription_drops_total")
    await record_events(3)

    # when
    await relay.poll()

    # then
    assert sample("fulfillment_subscription_drops_total") - before == 1
