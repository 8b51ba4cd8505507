"""Bounds on what mutations take (services/limits.py): characteristics and text are refused
with VALIDATION before anything is written, and what is stored always reads back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from models import LineItem
from services.limits import FREE_TEXT, MAX_CHARACTERISTICS_BYTES, MAX_CHARACTERISTICS_DEPTH
from tests.api.graphql import Api
from tests.api.mutations.helpers import (
    Users,
    new_order,
    order_id,
    refused,
    started_task,
    succeeded,
    task_id,
)
from tests.services.task_plans import snapshot

SUBMIT = """
mutation Submit($input: SubmitServiceOrderInput!) {
  submitServiceOrder(input: $input) {
    serviceOrder { customer lineItems { characteristics } }
    userErrors { code message field }
  }
}"""
REJECT = """
mutation Reject($input: RejectServiceOrderInput!) {
  rejectServiceOrder(input: $input) {
    serviceOrder { decision { reason } }
    userErrors { code message field }
  }
}"""
CREATE_FALLOUT = """
mutation Create($input: CreateFalloutInput!) {
  createFallout(input: $input) { fallout { description } userErrors { code message field } }
}"""
ORDER = "query($id: ID!) { serviceOrder(id: $id) { lineItems { characteristics } } }"


def nested(depth: int) -> dict[str, Any]:
    """An object `depth` levels deep."""
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def submission(characteristics: object = None, **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"specificationCode": "FIBRE_BROADBAND"}
    if characteristics is not None:
        item["characteristics"] = characteristics
    return {"customer": "Globex", "lineItems": [item], **overrides}


async def submit(api: Api, values: dict[str, Any]) -> dict[str, Any]:
    data = await api.data("partner", SUBMIT, {"input": values})
    payload: dict[str, Any] = data["submitServiceOrder"]
    return payload


async def submit_refused(api: Api, values: dict[str, Any]) -> tuple[str, str | None]:
    before = await snapshot()
    outcome = refused(await submit(api, values), "serviceOrder")
    assert await snapshot() == before
    return outcome


# --- characteristics --------------------------------------------------------------------------


async def test_characteristics_as_deep_as_the_limit_are_kept(api: Api, users: Users) -> None:
    value = nested(MAX_CHARACTERISTICS_DEPTH)
    order = succeeded(await submit(api, submission(value)), "serviceOrder")
    assert order["lineItems"] == [{"characteristics": value}]


async def test_characteristics_deeper_than_the_limit_are_refused(api: Api, users: Users) -> None:
    outcome = await submit_refused(api, submission(nested(MAX_CHARACTERISTICS_DEPTH + 1)))
    assert outcome == ("VALIDATION", "lineItems[0].characteristics")


async def test_characteristics_hundreds_of_levels_deep_are_refused(api: Api, users: Users) -> None:
    outcome = await submit_refused(api, submission({"a": json.loads("[" * 900 + "]" * 900)}))
    assert outcome[0] == "VALIDATION"


async def test_characteristics_larger_than_the_limit_are_refused(api: Api, users: Users) -> None:
    value = {"notes": "x" * MAX_CHARACTERISTICS_BYTES}
    outcome = await submit_refused(api, submission(value))
    assert outcome == ("VALIDATION", "lineItems[0].characteristics")


@pytest.mark.parametrize(
    "literal", ["36893488147419103232", "-9223372036854775809", "1e999", "-1e999"]
)
async def test_characteristics_with_numbers_beyond_64_bits_or_infinite_are_refused(
    api: Api, users: Users, literal: str
) -> None:
    # Given in the document: variables are read by orjson, which refuses both.
    document = f"""mutation {{ submitServiceOrder(input: {{customer: "Globex",
        lineItems: [{{specificationCode: "FIBRE_BROADBAND", characteristics: {{n: {literal}}}}}]}})
        {{ serviceOrder {{ id }} userErrors {{ code field }} }} }}"""
    before = await snapshot()
    data = await api.data("partner", document)
    assert data["submitServiceOrder"] == {
        "serviceOrder": None,
        "userErrors": [{"code": "VALIDATION", "field": "lineItems[0].characteristics"}],
    }
    assert await snapshot() == before


async def test_characteristics_of_64_bit_integers_are_kept(api: Api, users: Users) -> None:
    value = {"low": -(2**63), "high": 2**63 - 1}
    document = """mutation { submitServiceOrder(input: {customer: "Globex", lineItems: [
        {specificationCode: "FIBRE_BROADBAND", characteristics:
        {low: -9223372036854775808, high: 9223372036854775807}}]})
        { serviceOrder { lineItems { characteristics } } userErrors { code } } }"""
    data = await api.data("partner", document)
    order = succeeded(data["submitServiceOrder"], "serviceOrder")
    assert order["lineItems"] == [{"characteristics": value}]


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\x1b[31m"])
async def test_characteristics_with_control_characters_are_refused(
    api: Api, users: Users, text: str
) -> None:
    for value in ({"name": text}, {text: "value"}):
        outcome = await submit_refused(api, submission(value))
        assert outcome == ("VALIDATION", "lineItems[0].characteristics")


async def test_characteristics_stored_beyond_the_limits_still_read(api: Api, users: Users) -> None:
    # given an order whose characteristics were stored 250 deep, before the limits existed
    order = await new_order(users)
    await LineItem.filter(service_order_id=order.id).update(characteristics=nested(250))

    # when a manager reads it
    response = await api.client.post(
        "/graphql",
        json={"query": ORDER, "variables": {"id": order_id(order)}},
        headers={"Authorization": f"Bearer {await api.token('manager')}"},
    )

    # then it answers, the value cut at the limit's depth
    assert response.status_code == 200
    [item] = response.json()["data"]["serviceOrder"]["lineItems"]
    expected: Any = None
    for _ in range(MAX_CHARACTERISTICS_DEPTH):
        expected = {"a": expected}
    assert item["characteristics"] == expected


# --- text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["\x00", " \t\n ", "\u200b", "\u00a0\u2003"])
async def test_a_reason_of_nothing_visible_is_refused(api: Api, users: Users, reason: str) -> None:
    order = await new_order(users)
    before = await snapshot()
    data = await api.data(
        "manager", REJECT, {"input": {"serviceOrderId": order_id(order), "reason": reason}}
    )
    assert refused(data["rejectServiceOrder"], "serviceOrder") == ("VALIDATION", "reason")
    assert await snapshot() == before


@pytest.mark.parametrize("reason", ["Address\x00unknown", "Address\x07unknown", "\x85x"])
async def test_a_reason_with_control_characters_is_refused(
    api: Api, users: Users, reason: str
) -> None:
    order = await new_order(users)
    data = await api.data(
        "manager", REJECT, {"input": {"serviceOrderId": order_id(order), "reason": reason}}
    )
    assert refused(data["rejectServiceOrder"], "serviceOrder") == ("VALIDATION", "reason")


async def test_a_reason_keeps_its_lines_and_tabs(api: Api, users: Users) -> None:
    order = await new_order(users)
    reason = "Address unknown:\n\tStreet 1\r\n\tTown"
    data = await api.data(
        "manager", REJECT, {"input": {"serviceOrderId": order_id(order), "reason": reason}}
    )
    assert succeeded(data["rejectServiceOrder"], "serviceOrder") == {"decision": {"reason": reason}}


async def test_a_description_longer_than_the_limit_is_refused(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    before = await snapshot()
    values = {
        "taskId": task_id(task),
        "type": "PROVISIONING_FAILURE",
        "description": "x" * (FREE_TEXT.max_length + 1),
    }
    data = await api.data(agent.username, CREATE_FALLOUT, {"input": values})
    assert refused(data["createFallout"], "fallout") == ("VALIDATION", "description")
    assert await snapshot() == before


async def test_a_description_as_long_as_the_limit_is_kept(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    text = "x" * FREE_TEXT.max_length
    values = {"taskId": task_id(task), "type": "PROVISIONING_FAILURE", "description": text}
    data = await api.data(agent.username, CREATE_FALLOUT, {"input": values})
    assert succeeded(data["createFallout"], "fallout") == {"description": text}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("customer", "Globex\nInc"),
        ("customer", "Glo\x00bex"),
        ("customer", "G" * 129),
        ("externalId", "CRM\t1"),
        ("externalId", "C" * 129),
        ("externalId", "\u200b"),
    ],
)
async def test_names_are_one_line_of_at_most_128_characters(
    api: Api, users: Users, field: str, value: str
) -> None:
    assert await submit_refused(api, submission(**{field: value})) == ("VALIDATION", field)


@pytest.mark.parametrize("code", ["F" * 65, "FIBRE\x00", "FIBRE\nBROADBAND", " "])
async def test_a_specification_code_out_of_bounds_is_refused(
    api: Api, users: Users, code: str
) -> None:
    values = {"customer": "Globex", "lineItems": [{"specificationCode": code}]}
    outcome = await submit_refused(api, values)
    assert outcome == ("VALIDATION", "lineItems[0].specificationCode")


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("date", ["9999-12-31T23:00:00-05:00", "0001-01-01T01:00:00+05:00"])
async def test_a_date_that_leaves_the_calendar_in_utc_is_refused(
    api: Api, users: Users, date: str
) -> None:
    outcome = await submit_refused(api, submission(requestedCompletionDate=date))
    assert outcome == ("VALIDATION", "requestedCompletionDate")


@pytest.mark.parametrize("date", ["next tuesday", "2026-13-01T00:00:00Z", "", "2026-02-30"])
async def test_a_requested_date_that_does_not_parse_is_refused_with_validation(
    api: Api, users: Users, date: str
) -> None:
    # Given a partner's order whose requested completion date is not an ISO 8601 date-time
    # When it is submitted
    outcome = await submit_refused(api, submission(requestedCompletionDate=date))
    # Then it is the payload's VALIDATION user error on that field, and nothing is written
    assert outcome == ("VALIDATION", "requestedCompletionDate")


async def test_the_last_date_of_the_calendar_in_utc_is_kept(api: Api, users: Users) -> None:
    document = """mutation($input: SubmitServiceOrderInput!) { submitServiceOrder(input: $input)
        { serviceOrder { requestedCompletionDate } userErrors { code } } }"""
    values = submission(requestedCompletionDate="9999-12-31T23:59:59+00:00")
    data = await api.data("partner", document, {"input": values})
    order = succeeded(data["submitServiceOrder"], "serviceOrder")
    assert order["requestedCompletionDate"].startswith("9999-12-31T23:59:59")
