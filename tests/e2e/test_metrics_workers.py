"""Over `server.py serve --workers 2`: whichever worker answers /metrics counts the requests
all workers served (prometheus-client's multiprocess mode)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bench.server_process import (
    free_port,
    serve_command,
    server_command,
    start_server,
    stop_server,
    wait_until_healthy,
)
from tests.e2e.operations import METRICS_TOKEN, scrape, value
from tests.ui.server import server_env

pytestmark = pytest.mark.e2e

REQUESTS = 20
# Two workers import the service side by side: on a loaded 2-core machine that took over
# the 30 s one server is given.
STARTUP_SECONDS = 120.0


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("workers")
    env = server_env(data_dir, METRICS_TOKEN=METRICS_TOKEN)
    server_command(env, "migrate")
    port = free_port()
    command = [*serve_command(port), "--workers", "2"]
    log = data_dir / "server.log"
    process = start_server(command, env, log)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, process, log, within=STARTUP_SECONDS)
        yield url
    finally:
        stop_server(process)


def test_every_worker_s_requests_are_counted_in_one_scrape(url: str) -> None:
    # given requests on connections of their own, which the two workers share between them
    for _ in range(REQUESTS):
        response = httpx.post(f"{url}/graphql", json={"query": "query Ping { __typename }"})
        assert response.status_code == 200

    # when
    samples = scrape(url)

    # then
    labels = {"operation": "Ping", "type": "query", "outcome": "ok"}
    assert value(samples, "fulfillment_graphql_request_duration_seconds_count", **labels) == (
        REQUESTS
    )


def test_the_sweepers_and_the_sampled_jeopardy_gauge_are_exported_by_the_workers(
    url: str,
) -> None:
    # when
    samples = scrape(url)

    # then every worker's sweeper series (at 0 before a pass) and the gauge of one of them
    passes = "fulfillment_sweeper_passes_total"
    assert (passes, frozenset({("sweeper", "jeopardy"), ("outcome", "not_leader")})) in samples
    assert ("fulfillment_orders_in_jeopardy", frozenset({("level", "CRITICAL")})) in samples
