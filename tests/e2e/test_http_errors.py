"""Over a real server: every error answer is a GraphQL JSON error with an `extensions.code`,
never text and never a trace; `application/graphql-response+json` gets the GraphQL-over-HTTP
status codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.ui.server import RunningServer, running_server

pytestmark = pytest.mark.e2e

GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("http-errors")) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: RunningServer) -> Iterator[httpx.Client]:
    token = server.command("token", "viewer")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        yield client


def post_body(http: httpx.Client, body: bytes, **headers: str) -> httpx.Response:
    return http.post(
        "/graphql", content=body, headers={"content-type": "application/json", **headers}
    )


def coded_error(response: httpx.Response) -> tuple[int, str, str]:
    """(status, media type, code) of a response that must be one coded GraphQL error."""
    body: dict[str, Any] = response.json()
    [error] = body["errors"]
    media = response.headers["content-type"].split(";")[0]
    return response.status_code, media, error["extensions"]["code"]


def test_a_body_nested_too_deep_is_a_json_error(http: httpx.Client) -> None:
    response = post_body(http, b'{"query": "{ me { id } }", "variables": {"a": ' + b"[" * 100_000)
    assert coded_error(response) == (400, "application/json", "BAD_USER_INPUT")


def test_a_body_that_is_not_utf8_is_a_json_error(http: httpx.Client) -> None:
    response = post_body(http, b'{"query": "{ me { username } }", "variables": {"a": "\xff\xfe"}}')
    assert coded_error(response) == (400, "application/json", "BAD_USER_INPUT")


def test_a_body_that_is_not_json_is_a_json_error(http: httpx.Client) -> None:
    response = post_body(http, b'{ "not a JSON', accept=GRAPHQL_RESPONSE)
    assert coded_error(response) == (400, GRAPHQL_RESPONSE, "BAD_USER_INPUT")


def test_a_request_without_a_query_is_a_json_error(http: httpx.Client) -> None:
    response = http.post("/graphql", json={"qeury": "{ __typename }"})
    assert coded_error(response) == (400, "application/json", "BAD_USER_INPUT")


def test_a_syntax_error_is_coded_parse_failed(http: httpx.Client) -> None:
    response = http.post("/graphql", json={"query": "{ me { "})
    assert coded_error(response) == (200, "application/json", "GRAPHQL_PARSE_FAILED")


def test_an_unknown_field_is_coded_validation_failed(http: httpx.Client) -> None:
    response = http.post("/graphql", json={"query": "{ me { password } }"})
    assert coded_error(response) == (200, "application/json", "GRAPHQL_VALIDATION_FAILED")


def test_a_variable_of_the_wrong_type_is_coded_bad_user_input(http: httpx.Client) -> None:
    query = "query($first: Int) { tasks(first: $first) { totalCount } }"
    response = http.post("/graphql", json={"query": query, "variables": {"first": "ten"}})
    assert coded_error(response) == (200, "application/json", "BAD_USER_INPUT")


def test_graphql_response_json_answers_a_parse_failure_with_400_and_no_data(
    http: httpx.Client,
) -> None:
    response = http.post("/graphql", json={"query": "{"}, headers={"accept": GRAPHQL_RESPONSE})
    assert coded_error(response) == (400, GRAPHQL_RESPONSE, "GRAPHQL_PARSE_FAILED")
    assert "data" not in response.json()


def test_graphql_response_json_answers_a_validation_failure_with_400_and_no_data(
    http: httpx.Client,
) -> None:
    response = http.post(
        "/graphql", json={"query": "{ me { password } }"}, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert coded_error(response) == (400, GRAPHQL_RESPONSE, "GRAPHQL_VALIDATION_FAILED")
    assert "data" not in response.json()


def test_graphql_response_json_answers_data_with_200(http: httpx.Client) -> None:
    response = http.post(
        "/graphql", json={"query": "{ me { username } }"}, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert (response.status_code, response.headers["content-type"]) == (200, GRAPHQL_RESPONSE)
    assert response.json()["data"] == {"me": {"username": "viewer"}}


def test_no_token_is_a_coded_401_in_either_media_type(server: RunningServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as anonymous:
        response = anonymous.post(
            "/graphql", json={"query": "{ me { id } }"}, headers={"accept": GRAPHQL_RESPONSE}
        )
    assert coded_error(response) == (401, GRAPHQL_RESPONSE, "UNAUTHENTICATED")
