"""policy.view_key: users with equal keys get equal answers from the permission rules, so that
a change can be rendered once for all of them."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from itertools import combinations
from typing import Any

import pytest
from tortoise.models import Model

from models import ServiceOrder, Task, User
from models.enums import Role, TaskState
from services import policy
from services.permissions import order_permissions, task_permissions
from services.policy import can_read_order, view_key
from services.tasks import start_task
from services.users import group_ids_of
from tests.services.policy_demo import Demo, demo_with_twins
from tests.services.task_plans import agent_for, approved_order


async def another(username: str, role: Role) -> User:
    return await User.create(username=username, display_name=username, roles=[role.value])


async def test_people_in_a_role_that_never_asks_who_they_are_share_a_view(
    users: dict[str, User],
) -> None:
    second_viewer = await another("viewer2", Role.VIEWER)
    second_manager = await another("manager2", Role.ORDER_MANAGER)

    assert view_key(users["viewer"]) == view_key(second_viewer)
    assert view_key(users["manager"]) == view_key(second_manager)
    assert view_key(users["viewer"]) != view_key(users["manager"])


async def test_agents_and_partners_each_have_a_view_of_their_own(users: dict[str, User]) -> None:
    second_partner = await another("partner2", Role.INTEGRATOR)

    assert view_key(users["agent1"]) != view_key(users["agent2"])
    assert view_key(users["partner"]) != view_key(second_partner)


async def test_equal_views_get_equal_answers_on_every_task_of_an_order(
    users: dict[str, User],
) -> None:
    people = [
        *users.values(),
        await another("viewer2", Role.VIEWER),
        await another("manager2", Role.ORDER_MANAGER),
        await another("admin2", Role.ADMIN),
    ]
    order = await approved_order(users, "MOBILE_LINE")
    ready = await Task.filter(service_order_id=order.id, state=TaskState.READY).first()
    assert ready is not None
    await start_task(await agent_for(ready, users), ready.id)  # one assigned, one not
    orders = await ServiceOrder.all()
    tasks = await Task.filter(service_order_id=order.id)

    async def answers(user: User) -> list[object]:
        groups = await group_ids_of(user)
        return [
            *(can_read_order(user, o) for o in orders),
            *(order_permissions(user, o) for o in orders),
            *(task_permissions(user, t, order, groups) for t in tasks),
        ]

    for one, other in combinations(people, 2):
        if view_key(one) == view_key(other):
            assert await answers(one) == await answers(other), (one.username, other.username)


# --- Every rule of the policy, on the demo data --------------------------------------------
#
# A rule that asks who the reader is without `view_key` knowing would let one reader receive a
# rendering made for another. These tests judge every rule of services/policy.py for every pair
# of readers, on the demo orders and on copies of their rows that name each reader in turn in
# each of their user fields (assignee, created by, submitted by…): whatever field a rule reads,
# some object then names one reader and not the other.


@pytest.fixture
async def demo(users: dict[str, User]) -> Demo:
    return await demo_with_twins(users)


# What each rule is asked about, for a reader: every demo object of the kind it judges (with the
# order it belongs to, the reader's groups…). A rule missing here fails the test below.
ARGUMENTS: dict[Callable[..., bool], Callable[[Demo, User], list[tuple[Any, ...]]]] = {
    policy.is_allowed: lambda demo, reader: [(action,) for action in policy.Action],
    policy.can_read_order: lambda demo, reader: [(o,) for o in demo.orders],
    policy.can_read_line_item: lambda demo, reader: demo.in_order(demo.items),
    policy.can_read_sold_product: lambda demo, reader: demo.sold_in_order(),
    policy.can_read_domain_order: lambda demo, reader: demo.in_order(demo.domain_orders),
    policy.can_read_task: lambda demo, reader: demo.in_order(demo.tasks),
    policy.can_read_fallout: lambda demo, reader: demo.in_order(demo.fallouts),
    policy.can_read_event: lambda demo, reader: demo.in_order(demo.events),
    policy.reads_every_event: lambda demo, reader: [()],
    policy.can_read_user: lambda demo, reader: [(u,) for u in demo.readers],
    policy.can_read_reference: lambda demo, reader: [(r,) for r in demo.reference],
    policy.can_revise_order: lambda demo, reader: [
        (o, in_flight) for o in demo.orders for in_flight in (False, True)
    ],
    policy.can_cancel_order: lambda demo, reader: [(o,) for o in demo.orders],
    policy.can_start_task: lambda demo, reader: [
        (t, demo.group_ids[reader.id]) for t in demo.tasks
    ],
    policy.can_complete_task: lambda demo, reader: [(t,) for t in demo.tasks],
    policy.can_create_fallout: lambda demo, reader: [(t,) for t in demo.tasks],
    policy.can_resolve_fallout: lambda demo, reader: [(f,) for f in demo.fallouts],
    policy.can_be_assigned_tasks: lambda demo, reader: [()],
}


def naming_each_reader(args: tuple[Any, ...], readers: list[User]) -> list[tuple[Any, ...]]:
    """`args`, and copies in which one user field of one row names one of the readers."""
    found = [args]
    for at, row in enumerate(args):
        if not isinstance(row, Model):
            continue
        for name in row._meta.fk_fields:
            field = row._meta.fields_map[name]
            if field.related_model is not User:  # type: ignore[attr-defined]
                continue
            assert field.source_field is not None
            for reader in readers:
                copied = copy.copy(row)
                setattr(copied, field.source_field, reader.id)
                found.append((*args[:at], copied, *args[at + 1 :]))
    return found


def answers(demo: Demo, reader: User) -> dict[str, list[bool]]:
    """Every rule's answers for the reader, rule by rule, object by object."""
    return {
        rule.__name__: [
            rule(reader, *args)
            for asked in ARGUMENTS[rule](demo, reader)
            for args in naming_each_reader(asked, demo.readers)
        ]
        for rule in policy.RULES
    }


def test_every_rule_of_the_policy_is_in_the_table_view_key_is_derived_from() -> None:
    judges = {
        function
        for name, function in inspect.getmembers(policy, inspect.isfunction)
        if function.__module__ == policy.__name__
        and not name.startswith("_")
        and inspect.signature(function).return_annotation == "bool"
        and next(iter(inspect.signature(function).parameters.values())).annotation == "User"
    }

    assert judges == set(policy.RULES) == set(ARGUMENTS)


async def test_readers_who_get_different_answers_from_any_rule_have_different_views(
    demo: Demo,
) -> None:
    # Given the demo data, and copies of a task naming each reader as its assignee
    assert len(naming_each_reader((demo.tasks[0],), demo.readers)) == 1 + len(demo.readers)

    # When every rule judges every object for every reader
    by_reader = {reader.id: answers(demo, reader) for reader in demo.readers}

    # Then readers who got a different answer anywhere have different views

    for one, other in combinations(demo.readers, 2):
        differ = [
            rule for rule, said in by_reader[one.id].items() if said != by_reader[other.id][rule]
        ]
        if differ:
            assert policy.view_key(one) != policy.view_key(other), (
                one.username,
                other.username,
                differ,
            )
