"""Cursor connections: `first` bounds, stable cursors, totalCount."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import connections

from models import ServiceOrder, User
from services.orders import LineItemInput, SubmitOrderInput, submit_service_order
from services.queries.counting import EXACT_COUNT_LIMIT
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users, order_id
from tests.services.task_plans import approved_order, work_every_task

ORDERS = """
query Orders($first: Int, $after: String) {
  serviceOrders(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { number } }
  }
}"""


async def orders(submitter: User, count: int) -> None:
    """`count` NEW orders, numbered in the order they were made (rows only: fast)."""
    await ServiceOrder.bulk_create(
        [
            ServiceOrder(number=f"SO{n:07d}", customer="ACME", submitted_by_id=submitter.id)
            for n in range(1, count + 1)
        ]
    )


async def page(api: Api, **variables: Any) -> dict[str, Any]:
    data = await api.data("viewer", ORDERS, variables)
    connection: dict[str, Any] = data["serviceOrders"]
    return connection


def numbers(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["number"] for edge in connection["edges"]]


async def test_pages_follow_each_other_newest_first(api: Api, users: Users) -> None:
    await orders(users["partner"], 5)
    first = await page(api, first=2)
    second = await page(api, first=2, after=first["pageInfo"]["endCursor"])
    last = await page(api, first=2, after=second["pageInfo"]["endCursor"])
    assert [numbers(first), numbers(second), numbers(last)] == [
        ["SO0000005", "SO0000004"],
        ["SO0000003", "SO0000002"],
        ["SO0000001"],
    ]
    assert [p["pageInfo"]["hasNextPage"] for p in (first, second, last)] == [True, True, False]
    assert [p["pageInfo"]["hasPreviousPage"] for p in (first, second, last)] == [False, True, True]
    assert {p["totalCount"] for p in (first, second, last)} == {5}


async def test_page_info_cursors_are_the_first_and_last_edges(api: Api, users: Users) -> None:
    await orders(users["partner"], 3)
    connection = await page(api, first=2)
    cursors = [edge["cursor"] for edge in connection["edges"]]
    assert (connection["pageInfo"]["startCursor"], connection["pageInfo"]["endCursor"]) == (
        cursors[0],
        cursors[-1],
    )


async def test_a_cursor_still_points_to_the_same_place_after_new_orders(
    api: Api, users: Users
) -> None:
    await orders(users["partner"], 4)
    first = await page(api, first=2)
    await submit_service_order(
        users["partner"],
        SubmitOrderInput(customer="New", line_items=[LineItemInput("MOBILE_LINE")]),
    )
    second = await page(api, first=2, after=first["pageInfo"]["endCursor"])
    assert numbers(second) == ["SO0000002", "SO0000001"]


async def test_first_defaults_to_50(api: Api, users: Users) -> None:
    await orders(users["partner"], 51)
    connection = await page(api)
    assert (len(connection["edges"]), connection["pageInfo"]["hasNextPage"]) == (50, True)


async def test_first_may_be_100(api: Api, users: Users) -> None:
    await orders(users["partner"], 101)
    connection = await page(api, first=100)
    assert (len(connection["edges"]), connection["totalCount"]) == (100, 101)


@pytest.mark.parametrize("first", [101, -1])
async def test_first_out_of_bounds_is_refused(api: Api, users: Users, first: int) -> None:
    body = await api.as_("viewer", ORDERS, {"first": first})
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION"
    assert "between 0 and 100" in error["message"]


async def test_a_cursor_of_another_kind_is_refused(api: Api, users: Users) -> None:
    body = await api.as_("viewer", ORDERS, {"after": "bm90LWEtY3Vyc29y"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION"


COUNTED = "query { serviceOrders(first: 1) { totalCount totalCountExact } }"


async def counted(api: Api) -> tuple[int, bool]:
    connection = (await api.data("viewer", COUNTED))["serviceOrders"]
    return connection["totalCount"], connection["totalCountExact"]


async def test_total_count_is_exact_up_to_the_limit(api: Api, users: Users) -> None:
    await orders(users["partner"], EXACT_COUNT_LIMIT)

    assert await counted(api) == (EXACT_COUNT_LIMIT, True)


@pytest.mark.postgres_only
async def test_beyond_the_limit_postgresql_estimates_the_total_count(
    api: Api, users: Users
) -> None:
    await orders(users["partner"], EXACT_COUNT_LIMIT + 2_000)
    await connections.get("default").execute_script("ANALYZE service_order")

    total, exact = await counted(api)

    assert exact is False
    assert total > EXACT_COUNT_LIMIT
    assert abs(total - (EXACT_COUNT_LIMIT + 2_000)) <= 0.1 * (EXACT_COUNT_LIMIT + 2_000)


@pytest.mark.sqlite_only
async def test_beyond_the_limit_sqlite_still_counts_exactly(api: Api, users: Users) -> None:
    await orders(users["partner"], EXACT_COUNT_LIMIT + 5)

    assert await counted(api) == (EXACT_COUNT_LIMIT + 5, True)


async def test_tasks_page_oldest_first(api: Api, users: Users) -> None:
    await approved_order(users, "MOBILE_LINE")
    query = """query($after: String) { tasks(first: 4, after: $after) {
        totalCount pageInfo { endCursor hasNextPage } edges { node { number } } } }"""
    first = (await api.data("viewer", query))["tasks"]
    rest = (await api.data("viewer", query, {"after": first["pageInfo"]["endCursor"]}))["tasks"]
    assert [e["node"]["number"] for e in first["edges"] + rest["edges"]] == [
        f"TASK{n:07d}" for n in range(1, 7)
    ]
    assert (first["totalCount"], rest["pageInfo"]["hasNextPage"]) == (6, False)


async def test_an_orders_history_pages_in_the_order_things_happened(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    await work_every_task(order.id, users)
    query = """query($id: ID!, $after: String) { serviceOrder(id: $id) {
        history(first: 10, after: $after) {
          totalCount pageInfo { hasNextPage endCursor }
          edges { cursor node { kind cursor } } } } }"""
    kinds: list[str] = []
    after = None
    while True:
        data = await api.data("viewer", query, {"id": order_id(order), "after": after})
        history = data["serviceOrder"]["history"]
        kinds += [edge["node"]["kind"] for edge in history["edges"]]
        assert all(edge["cursor"] == edge["node"]["cursor"] for edge in history["edges"])
        if not history["pageInfo"]["hasNextPage"]:
            break
        after = history["pageInfo"]["endCursor"]
    assert len(kinds) == history["totalCount"]
    assert kinds[:3] == [
        "service_order.submitted",
        "service_order.approved",
        "sold_product.created",
    ] or kinds[:2] == ["service_order.submitted", "service_order.approved"]
    assert kinds[-1] == "service_order.state_changed"
