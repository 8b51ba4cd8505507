"""The labels of a GraphQL request's metrics stay bounded whatever names clients choose."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from models import User
from schema.extensions import telemetry
from tests.api.graphql import Api

REQUESTS = "fulfillment_graphql_request_duration_seconds_count"


def requests_of(operation: str) -> float:
    labels = {"operation": operation, "type": "query", "outcome": "ok"}
    return REGISTRY.get_sample_value(REQUESTS, labels) or 0.0


@pytest.fixture
def two_names_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telemetry, "MAX_OPERATION_NAMES", 2)
    monkeypatch.setattr(telemetry, "_seen_names", set())


async def test_names_beyond_the_bound_are_counted_as_other(
    api: Api, users: dict[str, User], two_names_at_most: None
) -> None:
    # given two names seen
    await api.data("viewer", "query First { me { id } }")
    await api.data("viewer", "query Second { me { id } }")
    before = requests_of("__other__")

    # when a third comes
    await api.data("viewer", "query Third { me { id } }")

    # then
    assert requests_of("__other__") - before == 1
    assert requests_of("Third") == 0


async def test_a_name_the_document_does_not_define_is_not_a_label(
    api: Api, users: dict[str, User]
) -> None:
    # given
    refused = {"operation": "__unparsed__", "type": "none", "outcome": "rejected"}
    before = REGISTRY.get_sample_value(REQUESTS, refused) or 0.0
    headers = {"Authorization": f"Bearer {await api.token('viewer')}"}

    # when
    response = await api.client.post(
        "/graphql",
        json={"query": "query Real { me { id } }", "operationName": "Invented"},
        headers=headers,
    )

    # then it is refused before it runs, and counted so
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (REGISTRY.get_sample_value(REQUESTS, refused) or 0.0) - before == 1
    assert requests_of("Invented") == 0
