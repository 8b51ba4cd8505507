"""Benchmark 1 (plan read) at a tiny size: it runs, checks its baselines answer the same JSON
as GraphQL (or fails), and reports the same statement count for both plan sizes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.conftest import read_json, run_benchmark

TINY = ["--line-items", "2", "--small-line-items", "1", "--requests", "3", "--seconds", "1"]
TINY += ["--concurrency", "1,2"]


def test_plan_read_reports_every_path_on_sqlite(figures_file: Path) -> None:
    output = run_benchmark("plan_read", "--db", "sqlite", *TINY, "--json", str(figures_file))

    figures = read_json(figures_file)
    paths = {(f["tasks"], f["path"], f["concurrency"]) for f in figures}
    assert paths == {
        (tasks, path, c)
        for tasks in (64, 8)
        for path, concurrencies in (
            ("GraphQL", (1, 2)),
            ("(b) SQL+orjson", (1, 2)),
            ("(a) graphql-core", (1,)),
        )
        for c in concurrencies
    }
    assert "p50 GraphQL/(a)" in output


def test_plan_read_takes_as_many_statements_for_a_small_plan_as_for_a_large_one(
    figures_file: Path,
) -> None:
    run_benchmark("plan_read", "--db", "sqlite", *TINY, "--json", str(figures_file))

    counts = {
        f["tasks"]: f["statements"] for f in read_json(figures_file) if f["path"] == "GraphQL"
    }
    assert counts[64] == counts[8] > 0


@pytest.mark.postgres
def test_plan_read_runs_on_postgresql(postgres_server: None, figures_file: Path) -> None:
    run_benchmark("plan_read", "--db", "postgres", *TINY, "--json", str(figures_file))

    counts = {
        f["tasks"]: f["statements"] for f in read_json(figures_file) if f["path"] == "GraphQL"
    }
    assert counts[64] == counts[8] > 0
