"""Abusive queries are refused before they run: depth, aliases, tokens; introspection can be
switched off."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx

from schema.extensions.caches import BoundedParserCache
from schema.extensions.limits import CACHE_SIZE
from server import create_app
from tests.api.conftest import api_settings
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users


def refusal(body: dict[str, Any]) -> str:
    """The message of the one error of a refused operation, which must be QUERY_TOO_COMPLEX."""
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    message: str = error["message"]
    return message


async def test_a_query_deeper_than_the_limit_is_refused(api: Api, users: Users) -> None:
    nested = "id"
    for _ in range(7):
        nested = f"dependsOn {{ dependents {{ {nested} }} }}"
    body = await api.as_("viewer", f"{{ tasks {{ edges {{ node {{ {nested} }} }} }} }}")
    assert "exceeds maximum operation depth of 12" in refusal(body)


async def test_the_plan_query_is_within_the_depth_limit(api: Api, users: Users) -> None:
    # 12 levels deep (single objects where the plan has lists, to stay within the cost limit)
    query = """query($id: ID!) { serviceOrder(id: $id) { lineItems { rootDomainOrder {
        parent { parent { parent { tasks { fallouts { task { assignee { groups {
        name } } } } } } } } } } } }"""
    body = await api.as_("viewer", query, {"id": "x"})
    assert body["data"] == {"serviceOrder": None} and "errors" not in body


async def test_too_many_aliases_are_refused(api: Api, users: Users) -> None:
    aliases = " ".join(f"a{n}: me {{ id }}" for n in range(31))
    body = await api.as_("viewer", f"{{ {aliases} }}")
    assert refusal(body) == "31 aliases found. Allowed: 30"


async def test_a_query_of_too_many_tokens_is_refused(api: Api, users: Users) -> None:
    fields = " ".join(["__typename"] * 5001)
    body = await api.as_("viewer", f"{{ {fields} }}")
    assert "Document contains more than 5000 tokens" in refusal(body)


async def test_introspection_is_on_in_the_demo_configuration(api: Api, users: Users) -> None:
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


async def test_errors_suggest_no_names_when_introspection_is_off(
    db: str, users: Users, tmp_path: Path
) -> None:
    settings = api_settings(tmp_path, introspection=False)
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        api = Api(client, settings)
        body = await api.as_("viewer", "{ serviceOrder { id } tasks(fist: 1) { totalCount } }")
    messages = [error["message"] for error in body["errors"]]
    assert len(messages) == 2 and not any("Did you mean" in message for message in messages)


async def test_errors_suggest_names_when_introspection_is_on(api: Api, users: Users) -> None:
    body = await api.as_("viewer", "{ tasks(fist: 1) { totalCount } }")
    [error] = body["errors"]
    assert "Did you mean 'first'?" in error["message"]


def parser_cache_lookups() -> int:
    """How often the shared parser cache was asked (hits and misses: a full cache stays full)."""
    cache = BoundedParserCache(maxsize=CACHE_SIZE, max_query_length=1).cached_parse_document
    info = cache.cache_info()  # type: ignore[attr-defined]  # an lru_cache
    return int(info.hits + info.misses)


async def test_a_document_above_the_cached_size_is_not_cached(api: Api, users: Users) -> None:
    before = parser_cache_lookups()
    fields = " ".join(f"a{n}: __typename" for n in range(30))
    padding = " " * 20_000  # beyond MAX_CACHED_QUERY_LENGTH
    body = await api.as_("viewer", f"{{ {fields} }}{padding}")
    assert body["data"]["a0"] == "Query"
    assert parser_cache_lookups() == before


async def test_a_document_within_the_cached_size_goes_through_the_cache(
    api: Api, users: Users
) -> None:
    before = parser_cache_lookups()
    body = await api.as_("viewer", f"{{ __typename }} # {uuid.uuid4()}")
    assert body["data"] == {"__typename": "Query"}
    assert parser_cache_lookups() == before + 1
