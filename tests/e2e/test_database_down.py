"""Over a real server on PostgreSQL whose database goes away: /graphql answers 503 with a coded
JSON error (not a 500 text page), and /readyz names the database without its error text."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from bench.server_process import (
    free_port,
    isolated_env,
    serve_command,
    server_command,
    server_process,
)
from tests.conftest import create_postgres_database, drop_postgres_database
from tests.e2e.test_http_errors import coded_error

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


async def drop_while_connected(url: str) -> None:
    """DROP DATABASE … WITH (FORCE): the server's connections are cut, new ones refused."""
    await drop_postgres_database(url)


@pytest.fixture(scope="module")
def server_losing_its_database(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, str, str]]:
    """(server url, a viewer's token, the database url), the database already dropped."""
    tmp_path = tmp_path_factory.mktemp("database-down")
    database_url = asyncio.run(create_postgres_database())
    env = isolated_env(
        DATABASE_URL=database_url.replace("postgresql://", "postgres://"),
        BROADCAST_URL="memory://",
        DATA_DIR=str(tmp_path),
        JWT_SECRET="database-down-secret-database-down-secret",
    )
    try:
        server_command(env, "migrate")
        server_command(env, "seed")
        token = server_command(env, "token", "viewer")
        port = free_port()
        with server_process(serve_command(port), port, env, tmp_path / "server.log") as server:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                assert http.get("/readyz").status_code == 200
            asyncio.run(drop_while_connected(database_url))
            yield server.url, token, database_url
    finally:
        asyncio.run(drop_postgres_database(database_url))


def test_graphql_answers_503_with_a_coded_json_error(
    server_losing_its_database: tuple[str, str, str],
) -> None:
    url, token, _ = server_losing_its_database
    with httpx.Client(base_url=url, timeout=30) as http:
        response = http.post(
            "/graphql",
            json={"query": "{ me { username } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert coded_error(response) == (503, "application/json", "SERVICE_UNAVAILABLE")
    assert "Traceback" not in response.text and "sof_test" not in response.text


def test_readyz_names_the_database_without_its_error(
    server_losing_its_database: tuple[str, str, str],
) -> None:
    url, _, database_url = server_losing_its_database
    with httpx.Client(base_url=url, timeout=30) as http:
        response = http.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "broker": "ok"}
    assert database_url.rsplit("/", 1)[1] not in response.text
