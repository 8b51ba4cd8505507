"""Tortoise's SQLite backend, with transactions that take the write lock when they begin.

Tortoise begins every transaction with a plain (deferred) `BEGIN`: the transaction reads
under a snapshot and asks for the write lock only at its first write. When another process
(`server.py worker`, a second server) has committed in between, SQLite cannot upgrade that
snapshot and answers "database is locked" at once, without waiting (SQLITE_BUSY_SNAPSHOT: the
busy timeout does not apply). Every unit of work here reads, then writes, so with two
processes on one SQLite file some calls failed under load. `BEGIN IMMEDIATE` takes the write
lock first: a second writer waits (up to `busy_timeout`) for the first to commit, and then
reads what it wrote, which is what PostgreSQL's row locks give (`services/locking.py`).

Tortoise has no setting for the BEGIN statement, so this is the one adapter over its SQLite
internals (the client's transaction wrapper and context); `tests/models/test_sqlite_engine.py`
fails loudly when an upgrade changes them. Named as the `engine` of a SQLite connection by
`models/config.tortoise_config`, which is how Tortoise loads a backend (`client_class`).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError

# How long a writer waits for another process's transaction to commit before the call fails
# (as SERVICE_UNAVAILABLE, "try again later"). Units of work last milliseconds; approving a
# large order lasts longer. A `?busy_timeout=` on the database URL overrides it.
BUSY_TIMEOUT_MILLISECONDS = 10_000


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        self.pragmas.setdefault("busy_timeout", BUSY_TIMEOUT_MILLISECONDS)

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
