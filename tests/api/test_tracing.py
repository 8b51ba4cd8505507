"""OpenTelemetry tracing: off unless the OTEL_* variables ask for it; on, a span per
operation (named after it, with the request id), its parsing and validation, and none per
field; asked for without the packages, a clear refusal."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from models import User
from schema.build import build_schema
from schema.extensions.tracing import OperationTracing
from server import create_app
from services.auth import issue_token
from services.observability.tracing import TracingUnavailable, configure_tracing, tracing_requested
from services.settings import Settings

OTEL_VARIABLES = (
    "OTEL_SDK_DISABLED",
    "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
)


@pytest.fixture
def no_otel_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in OTEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def exported() -> Iterator[InMemorySpanExporter]:
    """The process's tracer provider, keeping its spans in memory (installed once: the API
    allows one per process, and the server keeps one installed before it)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    yield exporter
    exporter.clear()


@pytest.mark.parametrize(
    ("variables", "on"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, False),
    ],
)
def test_the_standard_variables_switch_tracing(variables: dict[str, str], on: bool) -> None:
    assert tracing_requested(variables) is on


def test_without_the_variables_no_tracing_extension_runs(
    no_otel_variables: None, settings: Settings
) -> None:
    assert OperationTracing not in build_schema(settings).extensions


def test_tracing_asked_for_without_the_packages_is_refused_clearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.sdk.trace", None)

    with pytest.raises(TracingUnavailable, match=r"\[otel\]"):
        configure_tracing({"OTEL_TRACES_EXPORTER": "otlp"})


@pytest_asyncio.fixture
async def traced_client(
    exported: InMemorySpanExporter,
    no_otel_variables: None,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    transport = httpx.ASGITransport(app=create_app(settings))
    exported.clear()
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client


async def test_an_operation_is_traced_without_a_span_per_field(
    traced_client: httpx.AsyncClient,
    exported: InMemorySpanExporter,
    users: dict[str, User],
    settings: Settings,
) -> None:
    # given
    token = issue_token(users["viewer"], settings)

    # when
    response = await traced_client.post(
        "/graphql",
        json={"query": "query Traced { me { username roles groups { name } } }"},
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": "traced-1"},
    )

    # then
    assert response.json()["data"]["me"]["username"] == "viewer"
    spans = {span.name: span for span in exported.get_finished_spans()}
    assert set(spans) == {"GraphQL Query: Traced", "GraphQL Parsing", "GraphQL Validation"}
    operation = spans["GraphQL Query: Traced"]
    assert operation.attributes is not None
    assert operation.attributes["request_id"] == "traced-1"
