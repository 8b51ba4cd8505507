"""Every field that shows a user (an assignee, who decided, who reported, who acted) shows only
whom `node(id:)` would show the reader: a partner system sees itself and no one else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import graphql
import pytest

from models import ServiceOrder, Task, User
from models.enums import FalloutAction, FalloutType, TaskState
from schema.build import build_schema
from schema.subscriptions import Subscription
from services.fallouts import create_fallout, resolve_fallout
from services.settings import Settings
from services.tasks import start_task
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users
from tests.services.task_plans import agent_for, approved_order

USER = "{ id username }"

# The fields that show users in an order's plan, its lists and its history.
OF_AN_ORDER = {
    ("ServiceOrder", "submittedBy"),
    ("Decision", "decidedBy"),
    ("Task", "assignee"),
    ("FalloutRecord", "assignee"),
    ("FalloutRecord", "createdBy"),
    ("FalloutResolution", "resolvedBy"),
    ("HistoryEvent", "actor"),
}
USER_FIELDS = frozenset(field for _, field in OF_AN_ORDER)
USERS_OF_AN_ORDER = f"""query($id: ID!) {{
  serviceOrder(id: $id) {{
    submittedBy {USER}
    decision {{ decidedBy {USER} }}
    lineItems {{ domainOrders {{ tasks {{
      assignee {USER}
      fallouts {{ assignee {USER} createdBy {USER} resolution {{ resolvedBy {USER} }} }}
    }} }} }}
    fallouts {{ assignee {USER} createdBy {USER} }}
    history(first: 100) {{ edges {{ node {{ kind actor {USER} }} }} }}
  }}
  tasks {{ edges {{ node {{ assignee {USER} }} }} }}
  fallouts {{ edges {{ node {{ assignee {USER} createdBy {USER} }} }} }}
}}"""


@dataclass(frozen=True)
class Worked:
    order: ServiceOrder
    agent: User


@pytest.fixture
async def worked(users: Users) -> Worked:
    """The partner's order, approved by the manager, a task of it started by an agent, who
    reported fallout that the manager resolved."""
    order = await approved_order(users, "MOBILE_LINE")
    task = await Task.filter(service_order_id=order.id, state=TaskState.READY).first()
    assert task is not None
    agent = await agent_for(task, users)
    await start_task(agent, task.id)
    fallout = await create_fallout(agent, task.id, FalloutType.OTHER, "Stuck")
    await resolve_fallout(users["manager"], fallout.id, FalloutAction.RETRY_TASK, "Try again")
    return Worked(order, agent)


def users_shown(value: Any, path: str = "") -> dict[str, dict[str, str] | None]:
    """Each user field of a response, by its path: the user it shows, or None."""
    found: dict[str, dict[str, str] | None] = {}
    if isinstance(value, list):
        for at, item in enumerate(value):
            found |= users_shown(item, f"{path}[{at}]")
    elif isinstance(value, dict):
        for name, inner in value.items():
            here = f"{path}.{name}"
            found |= {here: inner} if name in USER_FIELDS else users_shown(inner, here)
    return found


async def user_fields(api: Api, username: str, order: ServiceOrder) -> dict[str, Any]:
    variables = {"id": gid("ServiceOrder", order.id)}
    return users_shown(await api.data(username, USERS_OF_AN_ORDER, variables))


async def node(api: Api, username: str, user_id: str) -> dict[str, str] | None:
    query = f"query($id: ID!) {{ node(id: $id) {{ ...on User {USER} }} }}"
    found: dict[str, str] | None = (await api.data(username, query, {"id": user_id}))["node"]
    return found


async def test_a_partner_sees_through_each_field_exactly_whom_node_shows_it(
    api: Api, worked: Worked
) -> None:
    # given the people the manager sees in the fields of the partner's order
    to_manager = await user_fields(api, "manager", worked.order)
    named = {path: user for path, user in to_manager.items() if user is not None}
    assert {u["username"] for u in named.values()} == {"partner", "manager", worked.agent.username}

    # when the partner reads the same fields
    to_partner = await user_fields(api, "partner", worked.order)

    # then each field shows the partner what node(id:) shows it of that user: only itself
    assert to_partner.keys() == to_manager.keys()
    for path, user in named.items():
        assert to_partner[path] == await node(api, "partner", user["id"]), path
    assert {u["username"] for u in to_partner.values() if u is not None} == {"partner"}


@pytest.mark.parametrize("username", ["agent1", "agent2", "viewer", "admin"])
async def test_other_readers_see_the_people_who_worked_the_order(
    api: Api, worked: Worked, username: str
) -> None:
    # given the people the manager sees in the fields of the partner's order
    to_manager = await user_fields(api, "manager", worked.order)

    # when another reader reads them
    shown = await user_fields(api, username, worked.order)

    # then they see the same people
    assert shown == to_manager


# The fields that show users other than through an order's plan: the reader themselves, the
# users the reader may read (`users`, scoped by the same rule), and the demo sign-in list
# (public by design, and only in demo mode).
NOT_OF_AN_ORDER = {
    ("Query", "me"),
    ("Query", "users"),
    ("Query", "demoUsers"),
    ("DemoSignInPayload", "user"),
}
# The live events' actor (tests/subscriptions/test_authorisation.py reads it as a partner).
OF_A_CHANGE = {
    (event, "actor") for event in ("ChangeEvent", "TaskEvent", "FalloutEvent", "ServiceOrderEvent")
}


def test_the_fields_read_above_are_every_field_that_shows_a_user(settings: Settings) -> None:
    # given the served schema
    served = graphql.build_schema(build_schema(settings, subscription=Subscription).as_str())

    # when its fields that show a user are listed
    showing_users = {
        (type_.name, name)
        for type_ in served.type_map.values()
        if isinstance(type_, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType)
        for name, field in type_.fields.items()
        if graphql.get_named_type(field.type).name == "User"
    }

    # then each is one the query above reads, or one that shows only whom `node` would
    assert showing_users - NOT_OF_AN_ORDER - OF_A_CHANGE == OF_AN_ORDER
    assert all(f"{field} {USER}" in USERS_OF_AN_ORDER for _, field in OF_AN_ORDER)
