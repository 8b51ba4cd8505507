"""Over a real server: work done before authentication is bounded. Bodies above MAX_BODY_BYTES
are refused with 413 before they are read whole; an anonymous document above
ANONYMOUS_MAX_QUERY_LENGTH is refused unparsed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.test_http_errors import coded_error
from tests.ui.server import RunningServer, running_server

pytestmark = pytest.mark.e2e

LIMIT = 1_000_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("request-limits")) as running:
        yield running


@pytest.fixture(scope="module")
def anonymous(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def body_of(size: int) -> bytes:
    padding = "x" * (size - 60)
    return f'{{"query": "{{ __typename }}", "variables": {{"p": "{padding}"}}}}'.encode()


def test_a_body_declared_larger_than_the_limit_is_refused_with_413(
    anonymous: httpx.Client,
) -> None:
    response = anonymous.post(
        "/graphql", content=body_of(LIMIT + 1000), headers={"content-type": "application/json"}
    )
    assert coded_error(response) == (413, "application/json", "PAYLOAD_TOO_LARGE")


def test_a_chunked_body_larger_than_the_limit_is_refused_with_413(
    anonymous: httpx.Client,
) -> None:
    def chunks() -> Iterator[bytes]:
        body = body_of(LIMIT + 1000)
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = anonymous.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert coded_error(response) == (413, "application/json", "PAYLOAD_TOO_LARGE")


def test_a_body_within_the_limit_is_served(anonymous: httpx.Client) -> None:
    response = anonymous.post(
        "/graphql", content=body_of(LIMIT - 1000), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200 and response.json()["data"] == {"__typename": "Query"}


def test_a_long_anonymous_document_is_refused_unparsed(anonymous: httpx.Client) -> None:
    # Not even valid GraphQL: a parse would answer GRAPHQL_PARSE_FAILED.
    query = "{ " + "demoUsers { id } " * 400 + "!!!"
    response = anonymous.post("/graphql", json={"query": query})
    assert coded_error(response) == (401, "application/json", "UNAUTHENTICATED")


def test_a_short_anonymous_document_is_parsed(anonymous: httpx.Client) -> None:
    response = anonymous.post("/graphql", json={"query": "{ demoUsers { id } !!!"})
    assert coded_error(response) == (200, "application/json", "GRAPHQL_PARSE_FAILED")


def test_a_bad_token_is_refused_before_parsing(anonymous: httpx.Client) -> None:
    response = anonymous.post(
        "/graphql", json={"query": "{ !!!"}, headers={"Authorization": "Bearer not-a-token"}
    )
    body: dict[str, Any] = response.json()
    assert coded_error(response) == (401, "application/json", "UNAUTHENTICATED")
    assert "token" in body["errors"][0]["message"]
