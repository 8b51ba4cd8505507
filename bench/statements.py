"""Capturing the SQL statements this process sends, at the driver (asyncpg and aiosqlite), so
that whatever Tortoise or a hand-written query does is seen the same way: to count them, or to
ask PostgreSQL how it runs them (bench/query_plans.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aiosqlite
import asyncpg

_ASYNCPG_METHODS = ("fetch", "fetchrow", "fetchval", "execute", "executemany")


@dataclass(frozen=True)
class Statement:
    sql: str
    # The arguments it was sent with (for executemany, its first row's; none kept on SQLite).
    args: tuple[Any, ...]
    backend: str


@contextmanager
def captured_statements() -> Iterator[list[Statement]]:
    """The statements sent while the block runs (not asyncpg's pool reset, not commits)."""
    statements: list[Statement] = []
    originals: list[tuple[type, str, Any]] = []

    def patch(owner: type, name: str, replacement: Any) -> None:
        originals.append((owner, name, getattr(owner, name)))
        setattr(owner, name, replacement)

    for name in _ASYNCPG_METHODS:
        original = getattr(asyncpg.Connection, name)
        many = name == "executemany"

        async def capturing(
            self: asyncpg.Connection,
            query: str,
            *args: Any,
            __original: Any = original,
            __many: bool = many,
            **kw: Any,
        ) -> Any:
            if query != self.get_reset_query():
                sent = (tuple(args[0][0]) if args and args[0] else ()) if __many else args
                statements.append(Statement(query, sent, "postgres"))
            return await __original(self, query, *args, **kw)

        patch(asyncpg.Connection, name, capturing)

    sqlite_execute: Any = aiosqlite.Connection._execute

    async def capturing_sqlite(self: aiosqlite.Connection, fn: Any, *args: Any, **kw: Any) -> Any:
        # Every statement goes through `_execute(fn, sql, parameters)`; commits pass no SQL.
        # (Its parameters are not kept: for executemany they are an iterator the call consumes.)
        if args and isinstance(args[0], str):
            statements.append(Statement(args[0], (), "sqlite"))
        return await sqlite_execute(self, fn, *args, **kw)

    patch(aiosqlite.Connection, "_execute", capturing_sqlite)
    try:
        yield statements
    finally:
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)
