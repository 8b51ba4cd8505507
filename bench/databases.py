"""Throwaway databases for one benchmark run: a SQLite file in a temporary directory, or a
PostgreSQL database of the run's own on 127.0.0.1 (created and dropped like tests/conftest.py
does), with the schema the models describe."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from models.config import tortoise_config

Backend = Literal["sqlite", "postgres"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgres")
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@asynccontextmanager
async def throwaway_database(backend: Backend) -> AsyncIterator[str]:
    """The URL of an empty database with the schema, deleted when the block exits."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-") as directory:
            yield await _with_schema(f"sqlite://{Path(directory) / 'bench.sqlite3'}")
        return
    name = f"sof_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield await _with_schema(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    finally:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def _with_schema(url: str) -> str:
    await open_database(url)
    await Tortoise.generate_schemas()
    await Tortoise.close_connections()
    return url


async def open_database(url: str) -> None:
    """Point this process's Tortoise at `url` (the benchmarks switch between databases)."""
    # Tortoise caches each model's SQL by connection name: SQLite's `?` must not reach
    # PostgreSQL when one run opens both.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
