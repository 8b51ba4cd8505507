"""Over `server.py serve --workers 2`: whichever worker answers /metrics counts the requests
all workers served (prometheus-client's multiprocess mode)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bench.server_process import free_port, serve_command, server_command, server_process
from tests.e2e.operations import METRICS_TOKEN, scrape, value
from tests.ui.server import server_env

pytestmark = pytest.mark.e2e

REQUESTS = 20


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("workers")
    env = server_env(data_dir, METRICS_TOKEN=METRICS_TOKEN)
    server_command(env, "migrate")
    port = free_port()
    command = [*serve_command(port), "--workers", "2"]
    with server_process(command, port, env, data_dir / "server.log") as server:
        yield server.url


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
