"""Benchmark 2 (mutations) at a tiny size: every completion it sends succeeds, over HTTP and
through the services."""

from __future__ import annotations

import pytest

from tests.bench.conftest import run_benchmark


@pytest.mark.postgres
def test_mutations_complete_tasks_both_ways_on_postgresql(postgres_server: None) -> None:
    output = run_benchmark("mutations", "--orders", "2", "--clients", "2", "--seconds", "2")

    assert "service calls (baseline)" in output
    assert "completeTask over HTTP" in output
    assert "Throughput of GraphQL over HTTP / service calls" in output
