"""Two processes on one SQLite file (`server.py serve` and `server.py worker`): a unit of work
takes the write lock when it begins, so a second writer waits for it instead of failing with
"database is locked" or losing the first one's update (models/sqlite_engine.py).

Each test opens two clients on one file, as two processes would; each client is its own
SQLite connection. These tests also break loudly if a Tortoise upgrade changes the internals
the engine overrides (the transaction wrapper's `begin`, the client's `_in_transaction`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper
from tortoise.context import TortoiseContext
from tortoise.transactions import in_transaction

from models.config import MODEL_MODULES, tortoise_config
from models.sqlite_engine import BUSY_TIMEOUT_MILLISECONDS, ImmediateSqliteClient


@asynccontextmanager
async def two_processes(path: Path) -> AsyncIterator[tuple[SqliteClient, SqliteClient]]:
    """Two connections to one file, each configured as the app configures its one, with a
    one-row counter."""
    config = tortoise_config(f"sqlite://{path}")["connections"]["default"]
    async with TortoiseContext() as context:
        await context.init(
            config={
                "connections": {"process_1": config, "process_2": config},
                "apps": {"models": {"models": MODEL_MODULES, "default_connection": "process_1"}},
            }
        )
        first, second = (context.connections.get(name) for name in ("process_1", "process_2"))
        assert isinstance(first, ImmediateSqliteClient)
        assert isinstance(second, ImmediateSqliteClient)
        await first.execute_script(
            "CREATE TABLE counter (n INTEGER); INSERT INTO counter VALUES (0)"
        )
        yield first, second


async def test_a_sqlite_database_url_is_served_by_the_immediate_engine(tmp_path: Path) -> None:
    async with two_processes(tmp_path / "one.sqlite3") as (first, _):
        rows = await first.execute_query_dict("PRAGMA busy_timeout")
    assert rows == [{"timeout": BUSY_TIMEOUT_MILLISECONDS}]
    # The engine overrides these two; an upgrade that drops either must fail here.
    assert callable(SqliteTransactionWrapper.begin)
    assert callable(SqliteClient._in_transaction)


def test_a_busy_timeout_on_the_url_overrides_the_default() -> None:
    config = tortoise_config("sqlite://data/x.sqlite3?busy_timeout=250")["connections"]
    assert config["default"]["credentials"]["busy_timeout"] == "250"
    assert expand_db_url("postgres://u@h/d")["engine"] == "tortoise.backends.asyncpg"
    assert tortoise_config("postgres://u@h/d")["connections"]["default"] == "asyncpg://u@h/d"


async def test_a_unit_of_work_holds_the_write_lock_from_its_first_statement(
    tmp_path: Path,
) -> None:
    path = tmp_path / "one.sqlite3"
    # given a transaction of one process that has only read so far
    async with two_processes(path), in_transaction("process_1") as transaction:
        await transaction.execute_query("SELECT n FROM counter")
        # when another process writes without waiting
        other = sqlite3.connect(path, timeout=0)
        try:
            # then it is told to wait: the first holds the write lock already
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("UPDATE counter SET n = n + 100")
        finally:
            other.close()


async def test_two_processes_reading_then_writing_at_once_both_succeed_one_after_the_other(
    tmp_path: Path,
) -> None:
    async with two_processes(tmp_path / "one.sqlite3") as (first, second):
        first_has_read = asyncio.Event()

        async def increment(
            client: SqliteClient, before_write: Callable[[], Awaitable[None]]
        ) -> int:
            async with in_transaction(client.connection_name) as transaction:
                rows = await transaction.execute_query_dict("SELECT n FROM counter")
                seen = int(rows[0]["n"])
                await before_write()
                await transaction.execute_query("UPDATE counter SET n = ?", [seen + 1])
            return seen

        async def no_pause() -> None:
            return None

        async def signal_then_yield() -> None:
            # Let the second process start its transaction while this one is open. Only the
            # stock engine needs the pause to go wrong (the second reads 0 and commits first);
            # with this one the outcome is the same with any pause.
            first_has_read.set()
            await asyncio.sleep(0.2)

        async def second_after_first_read() -> int:
            await first_has_read.wait()
            return await increment(second, no_pause)

        # given two processes each reading the counter, then writing it plus one, at once
        seen = await asyncio.gather(
            increment(first, signal_then_yield),
            second_after_first_read(),
        )
        final = await first.execute_query_dict("SELECT n FROM counter")

    # then neither failed, and the second read what the first wrote: no update is lost
    assert list(seen) == [0, 1]
    assert final == [{"n": 2}]
