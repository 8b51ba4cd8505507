"""An unexpected failure reaches the client as "Unexpected error." and the log in full;
expected ones keep their message."""

from __future__ import annotations

import logging

import pytest

from resolvers import people
from resolvers.context import Context
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users


async def test_an_unexpected_error_is_masked_for_the_client_and_logged(
    api: Api, users: Users, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(context: Context) -> None:
        raise RuntimeError("password=hunter2 in the connection string")

    monkeypatch.setattr(people, "me", broken)
    with caplog.at_level(logging.ERROR, logger="fulfillment.graphql"):
        body = await api.as_("viewer", "{ me { username } }")
    assert body["data"] == {"me": None}
    [error] = body["errors"]
    assert (error["message"], error["extensions"]) == (
        "Unexpected error.",
        {"code": "INTERNAL_SERVER_ERROR"},
    )
    assert "hunter2" not in str(body) and "Traceback" not in str(body)
    assert "hunter2" in caplog.text


async def test_a_syntax_error_keeps_its_message(api: Api, users: Users) -> None:
    body = await api.as_("viewer", "{ me { ")
    assert body["errors"][0]["message"].startswith("Syntax Error")


async def test_a_bad_variable_keeps_its_message(api: Api, users: Users) -> None:
    query = """mutation($p: Priority) { submitServiceOrder(input: {customer: "c",
        lineItems: [], priority: $p}) { serviceOrder { id } } }"""
    body = await api.as_("partner", query, {"p": "WHENEVER"})
    assert body["data"] is None
    assert "WHENEVER" in body["errors"][0]["message"]
