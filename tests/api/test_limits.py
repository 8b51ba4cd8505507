"""Abusive queries are refused before they run: depth, aliases, tokens; introspection can be
switched off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from server import create_app
from tests.api.conftest import api_settings
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users


def refusal(body: dict[str, Any]) -> str:
    assert body["data"] is None
    [error] = body["errors"]
    message: str = error["message"]
    return message


async def test_a_query_deeper_than_the_limit_is_refused(api: Api, users: Users) -> None:
    nested = "id"
    for _ in range(7):
        nested = f"dependsOn {{ dependents {{ {nested} }} }}"
    body = await api.as_("viewer", f"{{ tasks {{ edges {{ node {{ {nested} }} }} }} }}")
    assert "exceeds maximum operation depth of 12" in refusal(body)


async def test_the_plan_query_is_within_the_depth_limit(api: Api, users: Users) -> None:
    query = """query($id: ID!) { serviceOrder(id: $id) { lineItems { rootDomainOrder {
        children { children { children { tasks { fallouts { task { assignee { groups {
        name } } } } } } } } } } } }"""
    body = await api.as_("viewer", query, {"id": "x"})
    assert body == {"data": {"serviceOrder": None}}


async def test_too_many_aliases_are_refused(api: Api, users: Users) -> None:
    aliases = " ".join(f"a{n}: me {{ id }}" for n in range(31))
    body = await api.as_("viewer", f"{{ {aliases} }}")
    assert refusal(body) == "31 aliases found. Allowed: 30"


async def test_a_query_of_too_many_tokens_is_refused(api: Api, users: Users) -> None:
    fields = " ".join(["__typename"] * 5001)
    body = await api.as_("viewer", f"{{ {fields} }}")
    assert "Document contains more than 5000 tokens" in refusal(body)


async def test_introspection_is_on_by_default(api: Api, users: Users) -> None:
    data = await api.data("viewer", "{ __schema { queryType { name } } }")
    assert data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_introspection_can_be_switched_off(db: str, users: Users, tmp_path: Path) -> None:
    settings = api_settings(tmp_path, introspection=False)
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        api = Api(client, settings)
        body = await api.as_("viewer", "{ __schema { queryType { name } } }")
        still_works = await api.data("viewer", "{ me { username } }")
    assert body["data"] is None
    assert "introspection has been disabled" in body["errors"][0]["message"]
    assert still_works == {"me": {"username": "viewer"}}
