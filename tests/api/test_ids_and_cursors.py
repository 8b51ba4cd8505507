"""Ids, cursors and filters are canonical and bounded: one encoding per id, ASCII digits, within
the key column's range. Anything else is refused with a code (VALIDATION, or null from a
by-id query), never an overflow or a masked error."""

from __future__ import annotations

import base64

import pytest

from services.limits import MAX_EVENT_ID, MAX_ROW_ID
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, new_order, refused

ORDER = "query($id: ID!) { serviceOrder(id: $id) { number } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
APPROVE = """mutation($id: ID!) { approveServiceOrder(input: {serviceOrderId: $id})
    { serviceOrder { id } userErrors { code message field } } }"""
ORDERS = """query($after: String, $filter: ServiceOrderFilter) {
    serviceOrders(after: $after, filter: $filter) { edges { node { number } } } }"""
HISTORY = """query($id: ID!, $after: String) {
    serviceOrder(id: $id) { history(after: $after) { edges { cursor } } } }"""


def text_id(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def prefixed(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def only_error_code(body: dict[str, object]) -> str:
    errors = body["errors"]
    assert isinstance(errors, list) and len(errors) == 1
    code: str = errors[0]["extensions"]["code"]
    return code


NOT_CANONICAL = [
    "ServiceOrder:0001",  # leading zeros
    "ServiceOrder:01",
    "ServiceOrder:\u0661",  # Arabic-Indic one
    "ServiceOrder:\u00b9",  # superscript one
    "ServiceOrder:\uff11",  # fullwidth one
    "ServiceOrder:+1",
    "ServiceOrder: 1",
    "ServiceOrder:1 ",
    "ServiceOrder:0",
]


@pytest.mark.parametrize("text", NOT_CANONICAL)
async def test_an_id_in_another_spelling_names_nothing(api: Api, users: Users, text: str) -> None:
    # given order 1, whose id is gid("ServiceOrder", 1)
    order = await new_order(users)
    assert order.id == 1

    # when it is asked for in another spelling of the same key
    for document in (ORDER, NODE):
        body = await api.as_("manager", document, {"id": text_id(text)})

        # then there is no such object
        assert "errors" not in body and list(body["data"].values()) == [None]


@pytest.mark.parametrize("text", NOT_CANONICAL)
async def test_a_mutation_refuses_an_id_in_another_spelling(
    api: Api, users: Users, text: str
) -> None:
    await new_order(users)
    data = await api.data("manager", APPROVE, {"id": text_id(text)})
    assert refused(data["approveServiceOrder"], "serviceOrder") == ("VALIDATION", "serviceOrderId")


async def test_an_id_in_another_base64_spelling_names_nothing(api: Api, users: Users) -> None:
    order = await new_order(users)
    canonical = gid("ServiceOrder", order.id)  # "U2VydmljZU9yZGVyOjE="
    for spelling in (canonical.rstrip("="), canonical[:-2] + "F="):
        body = await api.as_("manager", ORDER, {"id": spelling})
        assert body["data"] == {"serviceOrder": None}


@pytest.mark.parametrize("key", [MAX_ROW_ID + 1, 2**63, 10**30])
async def test_an_id_beyond_the_key_column_names_nothing(api: Api, users: Users, key: int) -> None:
    await new_order(users)
    for type_name in ("ServiceOrder", "Task", "User"):
        body = await api.as_("manager", NODE, {"id": gid(type_name, key)})
        assert "errors" not in body and body["data"] == {"node": None}
    data = await api.data("manager", APPROVE, {"id": gid("ServiceOrder", key)})
    assert refused(data["approveServiceOrder"], "serviceOrder") == ("VALIDATION", "serviceOrderId")


async def test_an_event_id_beyond_64_bits_names_nothing(api: Api, users: Users) -> None:
    body = await api.as_("manager", NODE, {"id": gid("HistoryEvent", MAX_EVENT_ID + 1)})
    assert "errors" not in body and body["data"] == {"node": None}


@pytest.mark.parametrize(
    "cursor",
    [
        prefixed(f"cursor:{MAX_ROW_ID + 1}"),
        prefixed(f"cursor:{2**63}"),
        prefixed("cursor:9999999999999999999"),
        prefixed("cursor:0001"),
        prefixed("cursor:\u0661"),
        prefixed("cursor:1").rstrip("="),
    ],
)
async def test_a_list_cursor_out_of_range_or_spelling_is_refused(
    api: Api, users: Users, cursor: str
) -> None:
    await new_order(users)
    body = await api.as_("manager", ORDERS, {"after": cursor})
    assert only_error_code(body) == "VALIDATION"


@pytest.mark.parametrize(
    "cursor",
    [prefixed(f"event:{MAX_EVENT_ID + 1}"), prefixed("event:99999999999999999999")],
)
async def test_an_event_cursor_beyond_64_bits_is_refused(
    api: Api, users: Users, cursor: str
) -> None:
    order = await new_order(users)
    body = await api.as_("manager", HISTORY, {"id": gid("ServiceOrder", order.id), "after": cursor})
    assert only_error_code(body) == "VALIDATION"


async def test_the_largest_cursor_of_a_list_is_read(api: Api, users: Users) -> None:
    # the orders list is newest first: everything is after the largest id
    await new_order(users)
    data = await api.data("manager", ORDERS, {"after": prefixed(f"cursor:{MAX_ROW_ID}")})
    assert [edge["node"]["number"] for edge in data["serviceOrders"]["edges"]] == ["SO0001001"]


@pytest.mark.parametrize(
    "where",
    [
        {"customer": "G" * 129},
        {"customer": "Glo\x00bex"},
        {"customer": "Globex\n"},
        {"number": "SO" + "0" * 15},
        {"number": "SO\x00"},
    ],
)
async def test_a_filter_out_of_bounds_is_refused(
    api: Api, users: Users, where: dict[str, str]
) -> None:
    await new_order(users)
    body = await api.as_("manager", ORDERS, {"filter": where})
    assert only_error_code(body) == "VALIDATION"


async def test_a_customer_filter_as_long_as_the_column_is_read(api: Api, users: Users) -> None:
    await new_order(users)
    data = await api.data("manager", ORDERS, {"filter": {"customer": "G" * 128}})
    assert data["serviceOrders"]["edges"] == []
