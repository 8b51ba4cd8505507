"""The workers benchmark at a tiny size: every setting completes its tasks, and both wake-ups
are measured."""

from __future__ import annotations

import pytest

from tests.bench.conftest import run_benchmark


@pytest.mark.postgres
@pytest.mark.redis
def test_workers_complete_automated_tasks_in_every_setting(
    postgres_server: None, redis_server: None
) -> None:
    output = run_benchmark(
        "workers",
        *("--orders", "1", "--rounds", "1", "--workers", "1"),
        *("--latency-orders", "1", "--latency-workers", "1"),
    )

    assert "1 worker in this process" in output
    assert "1 worker process" in output
    assert "hints over Redis" in output
