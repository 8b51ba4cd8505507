"""What the operations tests share: a real server (`server.py serve`, JSON logs, a metrics
token) for the package, its /metrics parsed by prometheus-client's own text parser, and its
JSON log lines."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.ui.server import RunningServer, running_server

METRICS_TOKEN = "operations-test-metrics-token"
SAFETY_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Operated:
    server: RunningServer
    log: Path


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="package")
def operated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Operated]:
    directory = tmp_path_factory.mktemp("operations")
    with running_server(directory, METRICS_TOKEN=METRICS_TOKEN, LOG_FORMAT="json") as running:
        yield Operated(running, directory / "server.log")


def scrape(url: str) -> Samples:
    response = httpx.get(
        f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """A sample's value; 0 for a series not (yet) exported."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def json_lines(log: Path) -> list[dict[str, Any]]:
    lines = log.read_text(errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def until_logged(log: Path, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The first JSON line of `log` that is `wanted`, waiting for it to be written (the access
    line is written once the response has been sent)."""
    deadline = time.monotonic() + SAFETY_TIMEOUT_SECONDS
    while True:
        found = [line for line in json_lines(log) if wanted(line)]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no such line in {log}"
        time.sleep(0.05)
