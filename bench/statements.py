"""Counting the SQL statements this process sends, at the driver (asyncpg and aiosqlite), so
that whatever Tortoise or a hand-written query does is counted the same way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiosqlite
import asyncpg

_ASYNCPG_METHODS = ("fetch", "fetchrow", "fetchval", "execute", "executemany")


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The statements sent while the block runs (not asyncpg's pool reset, not commits)."""
    statements: list[str] = []
    originals: list[tuple[type, str, Any]] = []

    def patch(owner: type, name: str, replacement: Any) -> None:
        originals.append((owner, name, getattr(owner, name)))
        setattr(owner, name, replacement)

    for name in _ASYNCPG_METHODS:
        original = getattr(asyncpg.Connection, name)

        async def counting(
            self: asyncpg.Connection, query: str, *args: Any, __original: Any = original, **kw: Any
        ) -> Any:
            if query != self.get_reset_query():
                statements.append(query)
            return await __original(self, query, *args, **kw)

        patch(asyncpg.Connection, name, counting)

    sqlite_execute: Any = aiosqlite.Connection._execute

    async def counting_sqlite(self: aiosqlite.Connection, fn: Any, *args: Any, **kw: Any) -> Any:
        # Every statement goes through `_execute(fn, sql, parameters)`; commits pass no SQL.
        if args and isinstance(args[0], str):
            statements.append(args[0])
        return await sqlite_execute(self, fn, *args, **kw)

    patch(aiosqlite.Connection, "_execute", counting_sqlite)
    try:
        yield statements
    finally:
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)
