"""The benchmarks, each run at a tiny size in a subprocess of its own (they own their
databases, event loop and Tortoise), so that they keep working. No figure is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bench.fanout import REDIS_URL
from tests.conftest import POSTGRES_ADMIN_URL, unavailable

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 120


def run_benchmark(module: str, *args: str) -> str:
    """`python -m bench.MODULE ARGS`'s output; a failing benchmark fails the test."""
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


@pytest_asyncio.fixture
async def postgres_server() -> None:
    """PostgreSQL answers on 127.0.0.1 (the benchmarks make their own databases there)."""
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        unavailable("PostgreSQL", error)
    await connection.close()


@pytest_asyncio.fixture
async def redis_server() -> None:
    """Redis answers where the fan-out benchmark's two processes meet (BENCH_REDIS_URL)."""
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=5)
    try:
        await client.ping()
    except (OSError, RedisError) as error:
        unavailable("Redis", error)
    finally:
        await client.aclose()


@pytest.fixture
def figures_file(tmp_path: Path) -> Path:
    return tmp_path / "figures.json"
