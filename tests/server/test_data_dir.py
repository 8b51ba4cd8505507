"""DATA_DIR holds the service's local state: the default SQLite database and the generated JWT
secret. DATABASE_URL, when set, names the database instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.server_process import isolated_env, server_command
from services.settings import Settings


def test_without_a_database_url_the_database_is_a_sqlite_file_in_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "state"))

    assert Settings().database_url == f"sqlite://{tmp_path / 'state' / 'fulfillment.sqlite3'}"


def test_a_database_url_is_used_as_it_is_wherever_the_data_dir_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/orders")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))

    assert Settings().database_url == "postgres://postgres@127.0.0.1:5432/orders"


def test_migrating_with_only_a_data_dir_creates_the_database_there(tmp_path: Path) -> None:
    # given a fresh data directory and no DATABASE_URL (isolated_env drops it)
    data_dir = tmp_path / "fresh" / "state"
    env = isolated_env(DATA_DIR=str(data_dir), JWT_SECRET="data-dir-tests-secret-0123456789abcdef")

    # when the schema is migrated
    server_command(env, "migrate")

    # then the database is in the data directory, not in the working directory's data/
    assert (data_dir / "fulfillment.sqlite3").stat().st_size > 0
