"""A subscriber's stream: replay after a cursor, then live, with no gap and no duplicate."""

from __future__ import annotations

import pytest

from models.enums import Role
from services.errors import ForbiddenError
from services.events.filters import EventFilter
from services.events.kinds import EntityType, EventKind
from services.events.relay import Relay
from services.events.stream import event_stream
from tests.services.events.conftest import make_order, make_user, record_events, take

EVERYTHING = EventFilter()


async def test_replay_after_a_cursor_then_live_has_no_gap_and_no_duplicate(relay: Relay) -> None:
    # given five events the relay has handed out already
    viewer = await make_user("viewer", [Role.VIEWER])
    ids = await record_events(5)
    await relay.poll()
    stream = event_stream(relay, viewer, EVERYTHING, after=ids[1])

    # when the stream replays, then two more events commit
    replayed = await take(stream, 3)
    live_ids = await record_events(2)
    await relay.poll()

    # then
    assert replayed + await take(stream, 2) == ids[2:] + live_ids
    await stream.aclose()


async def test_events_committed_but_not_yet_relayed_come_once_through_the_live_feed(
    relay: Relay,
) -> None:
    # given three events relayed, and two committed that the relay has not read yet
    viewer = await make_user("viewer", [Role.VIEWER])
    relayed = await record_events(3)
    await relay.poll()
    unread = await record_events(2)
    stream = event_stream(relay, viewer, EVERYTHING, after=relayed[0])

    # when
    replayed = await take(stream, 2)
    await relay.poll()
    live = await take(stream, 2)
    later = await record_events(1)
    await relay.poll()

    # then
    assert replayed == relayed[1:]
    assert live == unread
    assert await take(stream, 1) == later  # no second copy of the unread ones came first
    await stream.aclose()


async def test_a_relay_behind_the_cursor_does_not_deliver_what_the_client_has_seen(
    relay: Relay,
) -> None:
    # given three events this relay has not read yet, and a client that saw the second of them
    # through another process
    viewer = await make_user("viewer", [Role.VIEWER])
    ids = await record_events(3)
    stream = event_stream(relay, viewer, EVERYTHING, after=ids[1])

    # when the relay reads them
    await relay.poll()

    # then only the one after the cursor arrives
    assert await take(stream, 1) == ids[2:]
    await stream.aclose()


async def test_without_a_cursor_only_new_events_arrive(relay: Relay) -> None:
    # given
    viewer = await make_user("viewer", [Role.VIEWER])
    await record_events(2)
    await relay.poll()
    stream = event_stream(relay, viewer, EVERYTHING)

    # when
    new = await record_events(1)
    await relay.poll()

    # then
    assert await take(stream, 1) == new
    await stream.aclose()


async def test_the_replay_applies_the_filter(relay: Relay) -> None:
    # given
    viewer = await make_user("viewer", [Role.VIEWER])
    await record_events(1, service_order_id=1)
    wanted = await record_events(1, service_order_id=2)
    await record_events(1, service_order_id=1, kind=EventKind.FALLOUT_CREATED)
    also_wanted = await record_events(1, service_order_id=2)
    await relay.poll()
    stream = event_stream(
        relay,
        viewer,
        EventFilter(entity_types=frozenset({EntityType.TASK}), service_order_id=2),
        after=0,
    )

    # when
    received = await take(stream, 2)

    # then
    assert received == wanted + also_wanted
    await stream.aclose()


async def test_an_integrator_gets_the_events_of_its_own_orders_only(relay: Relay) -> None:
    # given
    partner = await make_user("partner", [Role.INTEGRATOR])
    manager = await make_user("manager", [Role.ORDER_MANAGER])
    own = await make_order(partner, "SO0000001")
    other = await make_order(manager, "SO0000002")
    before = await record_events(1, service_order_id=own.id)
    await record_events(1, service_order_id=other.id)
    await record_events(1, service_order_id=None)
    await relay.poll()
    stream = event_stream(relay, partner, EVERYTHING, after=0)

    # when
    await record_events(1, service_order_id=other.id)
    after = await record_events(1, service_order_id=own.id)
    await relay.poll()

    # then
    assert await take(stream, 2) == before + after
    await stream.aclose()


async def test_a_viewer_gets_the_events_of_every_order(relay: Relay) -> None:
    # given
    viewer = await make_user("viewer", [Role.VIEWER])
    manager = await make_user("manager", [Role.ORDER_MANAGER])
    order = await make_order(manager, "SO0000001")
    ids = await record_events(1, service_order_id=order.id)
    await relay.poll()
    stream = event_stream(relay, viewer, EVERYTHING, after=0)

    # then
    assert await take(stream, 1) == ids
    await stream.aclose()


async def test_an_inactive_user_may_not_subscribe(relay: Relay) -> None:
    # given
    viewer = await make_user("viewer", [Role.VIEWER])
    viewer.is_active = False

    # when / then
    with pytest.raises(ForbiddenError):
        event_stream(relay, viewer, EVERYTHING)
    assert relay.subscriber_count == 0


async def test_closing_the_stream_leaves_the_relay(relay: Relay) -> None:
    # given
    viewer = await make_user("viewer", [Role.VIEWER])
    stream = event_stream(relay, viewer, EVERYTHING)
    assert relay.subscriber_count == 1

    # when
    await stream.aclose()

    # then
    assert relay.subscriber_count == 0
