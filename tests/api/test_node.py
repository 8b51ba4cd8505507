"""node(id:) fetches every type by its global id; ids that name nothing give null."""

from __future__ import annotations

import pytest
from graphql import GraphQLObjectType
from tortoise.models import Model

from models import (
    AssignmentGroup,
    DomainOrder,
    Event,
    LineItem,
    ServiceSpecification,
    SoldProduct,
    Task,
    TaskTemplate,
)
from resolvers.node_types import BY_NAME
from schema.build import build_schema
from services.settings import Settings
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, open_fallout

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


async def one_of_each(users: Users) -> dict[str, int]:
    """The primary key of one object of every Node type."""
    fallout = await open_fallout(users)

    async def first_id(model: type) -> int:
        row = await model.all().order_by("id").first()  # type: ignore[attr-defined]
        assert row is not None
        return int(row.id)

    return {
        "ServiceOrder": fallout.service_order_id,
        "LineItem": await first_id(LineItem),
        "SoldProduct": await first_id(SoldProduct),
        "DomainOrder": await first_id(DomainOrder),
        "Task": fallout.task_id,
        "FalloutRecord": fallout.id,
        "HistoryEvent": await first_id(Event),
        "ServiceSpecification": await first_id(ServiceSpecification),
        "TaskTemplate": await first_id(TaskTemplate),
        "User": users["agent1"].id,
        "AssignmentGroup": await first_id(AssignmentGroup),
    }


async def first_id(model: type[Model]) -> int:
    row = await model.all().order_by("id").first()
    assert row is not None
    return int(row.pk)


async def test_node_fetches_every_type(api: Api, users: Users) -> None:
    for type_name, pk in (await one_of_each(users)).items():
        data = await api.data("viewer", NODE, {"id": gid(type_name, pk)})
        assert data["node"] == {"__typename": type_name, "id": gid(type_name, pk)}


def test_the_schema_has_one_node_type_for_each_row_of_the_node_table(settings: Settings) -> None:
    schema = build_schema(settings)._schema
    implementations = {
        name
        for name, graphql_type in schema.type_map.items()
        if isinstance(graphql_type, GraphQLObjectType)
        and any(interface.name == "Node" for interface in graphql_type.interfaces)
    }
    assert implementations == set(BY_NAME)


async def test_ids_read_from_objects_fetch_them_again(api: Api, users: Users) -> None:
    await open_fallout(users)
    data = await api.data(
        "viewer", "{ fallouts { edges { node { id task { id domainOrder { id } } } } } }"
    )
    fallout = data["fallouts"]["edges"][0]["node"]
    for global_id in (fallout["id"], fallout["task"]["id"], fallout["task"]["domainOrder"]["id"]):
        assert (await api.data("viewer", NODE, {"id": global_id}))["node"]["id"] == global_id


async def test_node_reads_the_fields_of_its_type(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    query = "query($id: ID!) { node(id: $id) { ... on Task { number state } } }"
    data = await api.data("viewer", query, {"id": gid("Task", fallout.task_id)})
    task = await Task.get(id=fallout.task_id)
    assert data["node"] == {"number": task.number, "state": "ON_HOLD"}


@pytest.mark.parametrize(
    "global_id",
    [
        "",
        "garbage",
        gid("ServiceOrder", 999),
        gid("Nothing", 1),
        gid("Task", -1),
        "U2VydmljZU9yZGVyOmE=",
    ],
)
async def test_an_id_that_names_nothing_gives_null(api: Api, users: Users, global_id: str) -> None:
    assert await api.data("viewer", NODE, {"id": global_id}) == {"node": None}


async def test_service_order_by_id_takes_only_order_ids(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    query = "query($id: ID!) { serviceOrder(id: $id) { number } }"
    assert await api.data("viewer", query, {"id": gid("Task", fallout.task_id)}) == {
        "serviceOrder": None
    }


async def test_a_history_event_names_the_object_that_changed(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    query = """query($id: ID!) { serviceOrder(id: $id) { history(first: 100) { edges { node {
        kind entityType entityId } } } } }"""
    data = await api.data("viewer", query, {"id": gid("ServiceOrder", fallout.service_order_id)})
    events = [edge["node"] for edge in data["serviceOrder"]["history"]["edges"]]
    created = next(e for e in events if e["kind"] == "fallout.created")
    assert (created["entityType"], created["entityId"]) == (
        "fallout",
        gid("FalloutRecord", fallout.id),
    )
    node = await api.data("viewer", NODE, {"id": created["entityId"]})
    assert node["node"]["__typename"] == "FalloutRecord"
