"""`python server.py catalog PATH [--check]`: how catalog editors validate and load a file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_server(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "server.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_a_valid_catalog_passes_the_check() -> None:
    result = run_server("catalog", "--check", "catalog/demo.yaml")

    assert result.returncode == 0, result.stderr
    assert "catalog/demo.yaml: valid" in result.stdout


def test_a_bad_catalog_is_refused_with_its_problems_and_exit_code_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "assignment_groups: [{name: ops}]\n"
        "specifications:\n"
        "  - {code: P, name: P, kind: PRODUCT, domain: d,\n"
        "     relationships: [{type: REALIZED_AS, target: MISSING}]}\n"
    )

    result = run_server("catalog", "--check", str(bad))

    assert result.returncode == 1
    assert "MISSING" in result.stderr
    assert str(bad) in result.stderr


def test_loading_a_catalog_installs_it_into_the_database(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite://{tmp_path}/catalog.sqlite3",
        "DATA_DIR": str(tmp_path),
    }
    assert run_server("migrate", env=env).returncode == 0

    result = run_server("catalog", "bench/catalog.yaml", env=env)

    assert result.returncode == 0, result.stderr
    assert "bench/catalog.yaml: installed" in result.stdout
    with sqlite3.connect(tmp_path / "catalog.sqlite3") as db:
        codes = {row[0] for row in db.execute("SELECT code FROM service_specification")}
        templates = db.execute("SELECT COUNT(*) FROM task_template").fetchone()[0]
    assert codes == {"BENCH_PLAN", "BENCH_CFS", "BENCH_RFS", "BENCH_RESOURCE", "BENCH_SMALL"}
    assert templates == 40
