"""The worker's configuration: WORKER_HTTP_ROUTES (JSON or @file) and the registry by topic."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.settings import Settings
from services.workers.jobs import Completed, Job, Outcome
from services.workers.registry import Registry, UnknownTopicError
from services.workers.routes import WorkerHttpRoute


def test_routes_are_read_from_json_with_a_bare_url_taking_the_default_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "WORKER_HTTP_ROUTES",
        '{"billing.start": "http://127.0.0.1:9000/billing",'
        ' "ipam.allocate": {"url": "http://127.0.0.1:9000/ipam", "timeout_seconds": 3,'
        ' "headers": {"Authorization": "Bearer x"}}}',
    )

    routes = Settings().worker_http_routes

    assert routes["billing.start"].timeout_seconds == 10
    assert routes["ipam.allocate"] == WorkerHttpRoute.model_validate(
        {
            "url": "http://127.0.0.1:9000/ipam",
            "timeout_seconds": 3,
            "headers": {"Authorization": "Bearer x"},
        }
    )


def test_routes_are_read_from_a_file_named_with_an_at_sign(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "routes.json"
    path.write_text('{"billing.start": "http://127.0.0.1:9000/billing"}')
    monkeypatch.setenv("WORKER_HTTP_ROUTES", f"@{path}")

    assert list(Settings().worker_http_routes) == ["billing.start"]


@pytest.mark.parametrize(
    "value",
    [
        '{"t": "not a url"}',
        '{"t": {"url": "http://h/x", "timeout_seconds": 0}}',
        '{"t": {"url": "http://h/x", "retries": 3}}',
        '{" ": "http://h/x"}',
        "[1]",
    ],
)
def test_a_bad_route_refuses_the_configuration(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("WORKER_HTTP_ROUTES", value)
    with pytest.raises(ValidationError):
        Settings()


async def done(job: Job) -> Outcome:
    return Completed(None)


def test_a_topic_has_one_handler_unless_replaced() -> None:
    registry = Registry()
    registry.register("a.b", done)
    with pytest.raises(ValueError):
        registry.register("a.b", done)
    registry.register("a.b", done, replace=True)
    assert registry.topics == ("a.b",)


def test_a_subset_naming_a_topic_without_a_handler_is_refused() -> None:
    registry = Registry()
    registry.register("a.b", done)
    registry.register("c.d", done)
    assert registry.only(["c.d"]).topics == ("c.d",)
    with pytest.raises(UnknownTopicError):
        registry.only(["x.y"])
