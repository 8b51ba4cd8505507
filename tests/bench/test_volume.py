"""Benchmark 4 (data volume) at a tiny size: it fills two steps' databases and times every
operation at each, each answered without an error (the benchmark checks that)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.volume import OPERATIONS
from tests.bench.conftest import read_json, run_benchmark

TINY = ["--steps", "300,700", "--samples", "1", "--warm-up", "1", "--block", "tiny"]
TINY += ["--approve-line-items", "2"]


@pytest.mark.postgres
def test_volume_times_every_operation_at_every_step(
    postgres_server: None, figures_file: Path
) -> None:
    output = run_benchmark("volume", *TINY, "--json", str(figures_file))

    steps = read_json(figures_file)
    assert len(steps) == 2
    assert steps[0]["tasks"] >= 300
    assert steps[1]["tasks"] >= 700
    for step in steps:
        counts = {name: operation["count"] for name, operation in step["operations"].items()}
        assert counts == dict.fromkeys(OPERATIONS, 1)
    assert "ratio" in output
