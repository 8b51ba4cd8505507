"""Tortoise configuration for a database URL (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise.backends.base.config_generator import expand_db_url

MODEL_MODULES = ["models"]
DEFAULT_DATA_DIR = Path("data")


def sqlite_file_in(data_dir: Path) -> str:
    """The embedded default database: a SQLite file in the service's data directory."""
    return f"sqlite://{data_dir / 'fulfillment.sqlite3'}"


DEFAULT_DATABASE_URL = sqlite_file_in(DEFAULT_DATA_DIR)


def tortoise_config(database_url: str) -> dict[str, Any]:
    if database_url.startswith(("postgres://", "postgresql://")):
        # asyncpg is the production driver; tortoise names it by scheme.
        database_url = "asyncpg://" + database_url.split("://", 1)[1]
    return {
        "connections": {"default": connection(database_url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def with_pool_of_at_least(database_url: str, size: int) -> str:
    """A PostgreSQL URL whose pool holds `size` connections, unless the URL sizes it itself
    (`?maxsize=`). Tortoise's default is 5, fewer than a worker's slots: they would queue for
    a connection rather than work. SQLite has one connection: its URL is returned as it is."""
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "asyncpg"):
        return database_url
    query = parse_qsl(parts.query)
    if any(name == "maxsize" for name, _ in query):
        return database_url
    return urlunsplit(parts._replace(query=urlencode([*query, ("maxsize", str(size))])))


def connection(database_url: str) -> str | dict[str, Any]:
    """The URL as it is, but a SQLite one is served by `models/sqlite_engine.py`."""
    if not database_url.startswith("sqlite://"):
        return database_url
    expanded = expand_db_url(database_url)
    return {**expanded, "engine": "models.sqlite_engine"}


# Read by the `tortoise` command line (pyproject.toml [tool.tortoise]) for makemigrations.
TORTOISE_ORM = tortoise_config(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
