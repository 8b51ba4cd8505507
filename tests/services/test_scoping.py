"""services/queries/scoping.py: the lists a reader gets hold exactly the rows the read
predicates of services/policy.py let them read, on the demo data, for every kind of reader;
and the shortcut a subscription takes (`reads_every_event`) agrees with `can_read_event`."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.queryset import QuerySet

from models import User
from services import policy
from services.queries.scoping import visible_fallouts, visible_orders, visible_tasks, visible_users
from tests.services.policy_demo import Demo, demo_with_twins


@pytest.fixture
async def demo(users: dict[str, User]) -> Demo:
    return await demo_with_twins(users)


async def ids(rows: QuerySet[Any]) -> set[int]:
    return {row.id for row in await rows}


async def test_orders_listed_are_the_orders_the_reader_may_read(demo: Demo) -> None:
    for reader in demo.readers:
        readable = {o.id for o in demo.orders if policy.can_read_order(reader, o)}
        assert await ids(visible_orders(reader)) == readable, reader.username


async def test_tasks_listed_are_the_tasks_the_reader_may_read(demo: Demo) -> None:
    for reader in demo.readers:
        readable = {
            t.id for t, o in demo.in_order(demo.tasks) if o and policy.can_read_task(reader, t, o)
        }
        assert await ids(visible_tasks(reader)) == readable, reader.username


async def test_fallouts_listed_are_the_fallouts_the_reader_may_read(demo: Demo) -> None:
    for reader in demo.readers:
        readable = {
            f.id
            for f, o in demo.in_order(demo.fallouts)
            if o and policy.can_read_fallout(reader, f, o)
        }
        assert await ids(visible_fallouts(reader)) == readable, reader.username


async def test_users_listed_are_the_users_the_reader_may_read(demo: Demo) -> None:
    for reader in demo.readers:
        readable = {u.id for u in demo.readers if policy.can_read_user(reader, u)}
        assert await ids(visible_users(reader)) == readable, reader.username


async def test_a_reader_said_to_read_every_event_may_read_each_one(demo: Demo) -> None:
    # (services/events/visibility.py then loads no order for them.)
    for reader in demo.readers:
        if policy.reads_every_event(reader):
            for event, order in demo.in_order(demo.events):
                assert policy.can_read_event(reader, event, order), (reader.username, event.id)
