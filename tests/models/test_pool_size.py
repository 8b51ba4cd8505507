"""A worker's PostgreSQL pool holds a connection per slot unless the URL says otherwise."""

from __future__ import annotations

from tortoise.backends.base.config_generator import expand_db_url

from models.config import tortoise_config, with_pool_of_at_least


def test_a_postgres_url_without_a_pool_size_gets_the_size_asked_for() -> None:
    url = with_pool_of_at_least("postgres://u:p@db:5432/orders?ssl=require", 10)

    assert url == "postgres://u:p@db:5432/orders?ssl=require&maxsize=10"
    credentials = expand_db_url(tortoise_config(url)["connections"]["default"])["credentials"]
    assert int(credentials["maxsize"]) == 10


def test_a_pool_size_on_the_url_is_kept() -> None:
    url = "postgres://u@db/orders?maxsize=3"

    assert with_pool_of_at_least(url, 10) == url


def test_a_sqlite_url_is_left_as_it_is() -> None:
    assert with_pool_of_at_least("sqlite://data/x.sqlite3", 10) == "sqlite://data/x.sqlite3"
