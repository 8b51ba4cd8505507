"""Whether a failure means "a dependency is down" rather than a bug, and which dependency.

Used to answer 503 SERVICE_UNAVAILABLE (retry later) instead of 500, and by /readyz, which
names the dependency that is down and never shows the driver's error text: that text can
carry host names, user names or parts of a connection string.
"""

from __future__ import annotations

import logging
import sqlite3

import asyncpg
from tortoise import connections
from tortoise.exceptions import DBConnectionError

logger = logging.getLogger("fulfillment.availability")

# Lost or refused connections (OSError covers refused, reset and timed-out sockets), the
# database missing or shutting down (asyncpg's connection, catalog and operator classes).
_DOWN: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    DBConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.InvalidCatalogNameError,
    asyncpg.OperatorInterventionError,
    asyncpg.InterfaceError,
    sqlite3.OperationalError,
)


def is_database_unavailable(error: BaseException) -> bool:
    """`error`, or what it was raised from, says the database cannot be reached."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, _DOWN):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


async def database_answers() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as error:  # any failure means "not ready", whatever the driver raised
        logger.warning("The database does not answer: %s", error)
        return False
    return True
