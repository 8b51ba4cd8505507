"""A partner system (INTEGRATOR) reads the orders it submitted and nothing else, by any path."""

from __future__ import annotations

from typing import Any

import pytest

from models import (
    DomainOrder,
    Event,
    FalloutRecord,
    LineItem,
    ServiceOrder,
    SoldProduct,
    Task,
    User,
)
from models.enums import FalloutType, Role, TaskState
from services.fallouts import create_fallout
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    submit_service_order,
)
from services.tasks import start_task
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users
from tests.services.task_plans import agent_for


async def order_with_fallout(users: Users, submitter: User, customer: str) -> ServiceOrder:
    order = await submit_service_order(
        submitter, SubmitOrderInput(customer=customer, line_items=[LineItemInput("MOBILE_LINE")])
    )
    await approve_service_order(users["manager"], order.id)
    task = await Task.filter(service_order_id=order.id, state=TaskState.READY).first()
    assert task is not None
    agent = await agent_for(task, users)
    await start_task(agent, task.id)
    await create_fallout(agent, task.id, FalloutType.OTHER, "Stuck")
    return order


@pytest.fixture
async def theirs(users: Users) -> ServiceOrder:
    """An order another partner system submitted, with a plan, history and a fallout."""
    other = await User.create(
        username="partner2", display_name="Other CRM", roles=[Role.INTEGRATOR.value]
    )
    return await order_with_fallout(users, other, "Theirs Inc")


@pytest.fixture
async def ours(users: Users) -> ServiceOrder:
    return await order_with_fallout(users, users["partner"], "Ours Ltd")


async def as_partner(api: Api, query: str, **variables: Any) -> dict[str, Any]:
    return await api.data("partner", query, variables)


def numbers(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["number"] for edge in connection["edges"]]


async def test_lists_and_counts_hold_only_its_own_orders(
    api: Api, theirs: ServiceOrder, ours: ServiceOrder
) -> None:
    data = await as_partner(
        api,
        """{ serviceOrders { totalCount edges { node { number } } }
             tasks { totalCount edges { node { number serviceOrder { number } } } }
             fallouts { totalCount edges { node { number serviceOrder { number } } } } }""",
    )
    assert (data["serviceOrders"]["totalCount"], numbers(data["serviceOrders"])) == (
        1,
        [ours.number],
    )
    own_tasks = await Task.filter(service_order_id=ours.id).count()
    assert data["tasks"]["totalCount"] == own_tasks == len(data["tasks"]["edges"])
    assert {e["node"]["serviceOrder"]["number"] for e in data["tasks"]["edges"]} == {ours.number}
    assert data["fallouts"]["totalCount"] == 1
    assert data["fallouts"]["edges"][0]["node"]["serviceOrder"] == {"number": ours.number}


async def test_another_partners_order_by_id_is_null(
    api: Api, theirs: ServiceOrder, ours: ServiceOrder
) -> None:
    query = "query($id: ID!) { serviceOrder(id: $id) { number } }"
    assert await as_partner(api, query, id=gid("ServiceOrder", theirs.id)) == {"serviceOrder": None}
    assert await as_partner(api, query, id=gid("ServiceOrder", ours.id)) == {
        "serviceOrder": {"number": ours.number}
    }


async def test_no_node_of_another_partners_order_is_readable(
    api: Api, theirs: ServiceOrder, ours: ServiceOrder
) -> None:
    item = await LineItem.filter(service_order_id=theirs.id).first()
    assert item is not None
    product = await SoldProduct.get(line_item_id=item.id)
    domain_order = await DomainOrder.filter(service_order_id=theirs.id).first()
    task = await Task.filter(service_order_id=theirs.id).first()
    fallout = await FalloutRecord.get(service_order_id=theirs.id)
    event = await Event.filter(service_order_id=theirs.id).first()
    assert domain_order and task and event
    ids = [
        gid("ServiceOrder", theirs.id),
        gid("LineItem", item.id),
        gid("SoldProduct", product.id),
        gid("DomainOrder", domain_order.id),
        gid("Task", task.id),
        gid("FalloutRecord", fallout.id),
        gid("HistoryEvent", event.id),
        gid("User", theirs.submitted_by_id),
    ]
    for global_id in ids:
        data = await as_partner(api, "query($id: ID!) { node(id: $id) { id } }", id=global_id)
        assert data == {"node": None}, global_id


async def test_filtering_on_another_partners_order_finds_nothing(
    api: Api, theirs: ServiceOrder, ours: ServiceOrder
) -> None:
    where = {"serviceOrderId": gid("ServiceOrder", theirs.id)}
    data = await as_partner(
        api,
        """query($t: TaskFilter, $f: FalloutFilter) {
             tasks(filter: $t) { totalCount } fallouts(filter: $f) { totalCount } }""",
        t=where,
        f=where,
    )
    assert data == {"tasks": {"totalCount": 0}, "fallouts": {"totalCount": 0}}


async def test_it_sees_only_itself_among_users(
    api: Api, theirs: ServiceOrder, ours: ServiceOrder
) -> None:
    assert await as_partner(api, "{ users { username } }") == {"users": [{"username": "partner"}]}


async def test_it_reads_the_whole_plan_of_its_own_order(
    api: Api, theirs: ServiceOrder, ours: ServiceOrder
) -> None:
    data = await as_partner(
        api,
        """query($id: ID!) { serviceOrder(id: $id) {
             lineItems { domainOrders { tasks { serviceOrder { number }
               fallouts { serviceOrder { number } task { serviceOrder { number } } } } } }
             history { totalCount } } }""",
        id=gid("ServiceOrder", ours.id),
    )
    tasks = data["serviceOrder"]["lineItems"][0]["domainOrders"][0]["tasks"]
    assert {task["serviceOrder"]["number"] for task in tasks} == {ours.number}
    assert (
        data["serviceOrder"]["history"]["totalCount"]
        == await Event.filter(service_order_id=ours.id).count()
    )


async def test_a_viewer_reads_every_order(
    api: Api, theirs: ServiceOrder, ours: ServiceOrder
) -> None:
    data = await api.data("viewer", "{ serviceOrders { totalCount } fallouts { totalCount } }")
    assert data == {"serviceOrders": {"totalCount": 2}, "fallouts": {"totalCount": 2}}
