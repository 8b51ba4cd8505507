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
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from models.config import tortoise_config

# Room on each page of the task table for in-place updates of rewritten planned dates.
TASK_FILLFACTOR = "ALTER TABLE task SET (fillfactor = 70)"
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
    async with _postgres_database("") as url:
        yield await _with_schema(url)


@asynccontextmanager
async def database_copy(url: str) -> AsyncIterator[str]:
    """The URL of a new PostgreSQL database holding what the one at `url` holds, deleted when
    the block exits. Nothing may be connected to `url` while it is copied."""
    # A file copy: far quicker than replaying the whole database through the WAL.
    template = url.rsplit("/", 1)[1]
    async with _postgres_database(f' TEMPLATE "{template}" STRATEGY FILE_COPY') as copy:
        yield copy


@asynccontextmanager
async def _postgres_database(options: str) -> AsyncIterator[str]:
    name = f"sof_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    await _admin(f'CREATE DATABASE "{name}"{options}')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(statement: str) -> None:
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


async def _with_schema(url: str) -> str:
    await open_database(url)
    await Tortoise.generate_schemas()
    if url.startswith(("postgres://", "postgresql://")):
        # As the migrations leave it (0009_schedule), which generate_schemas does not know.
        await connections.get("default").execute_script(TASK_FILLFACTOR)
    await Tortoise.close_connections()
    return url


async def open_database(url: str) -> None:
    """Point this process's Tortoise at `url` (the benchmarks switch between databases)."""
    # Tortoise caches each model's SQL by connection name: SQLite's `?` must not reach
    # PostgreSQL when one run opens both.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
