"""Benchmark 3 (fan-out) at a tiny size: every subscriber receives every change, on one
process and on two over Redis (the benchmark fails if any delivery carries an error)."""

from __future__ import annotations

import pytest

from tests.bench.conftest import run_benchmark

TINY = ["--subscribers", "4", "--changes", "2", "--burst", "2", "--rate", "20", "--timeout", "20"]


@pytest.mark.postgres
def test_fanout_delivers_every_change_to_every_subscriber_of_one_process(
    postgres_server: None,
) -> None:
    output = run_benchmark("fanout", "--layout", "one", *TINY)

    [row] = [line for line in output.splitlines() if line.startswith("1 process ")]
    delivered, expected = row.split()[3:5]
    assert delivered == expected == "8"


@pytest.mark.postgres
@pytest.mark.redis
def test_fanout_delivers_across_two_processes_over_redis(
    postgres_server: None, redis_server: None
) -> None:
    output = run_benchmark("fanout", "--layout", "two", *TINY)

    [row] = [line for line in output.splitlines() if line.startswith("2 processes, Redis ")]
    delivered, expected = row.split()[4:6]
    assert delivered == expected == "8"
