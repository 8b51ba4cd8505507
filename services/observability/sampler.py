"""The figures read rather than counted: the outbox backlog, the database pool, the orders in
jeopardy (one grouped count on the `(jeopardy, lateness_minutes, id)` index) and the sweepers'
leases (a row per sweeper: visible from every process, whichever process sweeps).

They are read every SAMPLE_INTERVAL_SECONDS by a task of each process (so that, with several
workers, whichever answers a scrape shows every worker's recent figures), and once more by
the process answering /metrics, so that a single process's scrape is exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise import connections
from tortoise.functions import Count

from models import Lease, ServiceOrder
from models.enums import JEOPARDY_LEVELS, JeopardyLevel
from services import clock
from services.events.runtime import running_relay
from services.observability.metrics import (
    DB_POOL_CONNECTIONS,
    DB_POOL_MAX,
    ORDERS_BY_JEOPARDY,
    OUTBOX_BACKLOG,
    SWEEP_LEASE_LEFT,
)
from services.sweeping.runtime import SWEEPERS

log = logging.getLogger(__name__)

SAMPLE_INTERVAL_SECONDS = 5.0


async def sample() -> None:
    """Read the sampled figures now. A database that does not answer leaves the last ones
    (/readyz and the relay's own log say it is down)."""
    sample_pool()
    try:
        await sample_jeopardy()
        await sample_leases()
    except Exception as error:
        log.debug("orders in jeopardy or leases not sampled: %s", error)
    relay = running_relay()
    if relay is None:
        return
    try:
        OUTBOX_BACKLOG.set(await relay.backlog())
    except Exception as error:
        log.debug("outbox backlog not sampled: %s", error)


# NONE is left out: it counts every order ever closed, and its rows are most of the index.
IN_JEOPARDY = [level for level in JEOPARDY_LEVELS if level is not JeopardyLevel.NONE]


async def sample_jeopardy() -> None:
    """How many orders are at each level above NONE (a complete order is NONE)."""
    rows = await (
        ServiceOrder.filter(jeopardy__in=IN_JEOPARDY)
        .annotate(orders=Count("id"))
        .group_by("jeopardy")
        .values_list("jeopardy", "orders")
    )
    counts = {str(level): int(orders) for level, orders in rows}
    for level in IN_JEOPARDY:
        ORDERS_BY_JEOPARDY.labels(level.value).set(counts.get(level.value, 0))


async def sample_leases() -> None:
    """Seconds left on each sweeper's lease; 0 for one no process has taken yet."""
    names = [sweeper.name for sweeper in SWEEPERS]
    expiries = dict(await Lease.filter(name__in=names).values_list("name", "expires_at"))
    at = clock.now()
    for name in names:
        expires_at = expiries.get(name)
        left = 0.0 if expires_at is None else (expires_at - at).total_seconds()
        SWEEP_LEASE_LEFT.labels(name).set(left)


def sample_pool() -> None:
    pool = _asyncpg_pool()
    if pool is None:
        return
    size, idle = pool.get_size(), pool.get_idle_size()
    DB_POOL_CONNECTIONS.labels("in_use").set(size - idle)
    DB_POOL_CONNECTIONS.labels("idle").set(idle)
    DB_POOL_MAX.set(pool.get_max_size())


def _asyncpg_pool() -> Any | None:
    """The asyncpg pool behind Tortoise's default connection, or None (SQLite, not yet
    connected). Tortoise has no public accessor: `_pool` is its client's attribute
    (tests/services/test_sampler.py fails if an upgrade renames it)."""
    try:
        client = connections.get("default")
    except Exception:
        return None
    pool = getattr(client, "_pool", None)
    return pool if pool is not None and hasattr(pool, "get_idle_size") else None


@asynccontextmanager
async def sampling(interval: float = SAMPLE_INTERVAL_SECONDS) -> AsyncIterator[None]:
    """Sample every `interval` seconds while the block runs."""
    task = asyncio.create_task(_sample_forever(interval), name="metrics-sampler")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _sample_forever(interval: float) -> None:
    while True:
        await sample()
        await asyncio.sleep(interval)
