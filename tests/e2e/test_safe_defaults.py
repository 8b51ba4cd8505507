"""Over real servers: production (`server.py serve`) is safe by default — no demo sign-in, no
introspection, no GraphiQL — while the embedded demo (`server.py run`) turns them on; a short
JWT_SECRET is refused at start."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.server_process import (
    ROOT,
    free_port,
    isolated_env,
    serve_command,
    server_command,
    server_process,
)

pytestmark = pytest.mark.e2e

SIGN_IN = 'mutation { signInAsDemoUser(username: "admin") { token userErrors { code } } }'
INTROSPECTION = "{ __schema { queryType { name } } }"


def environment(data_dir: Path, **values: str) -> dict[str, str]:
    """A server's environment with nothing said about demo mode or introspection."""
    env = isolated_env(
        DATABASE_URL=f"sqlite://{data_dir / 'defaults.sqlite3'}",
        BROADCAST_URL="memory://",
        DATA_DIR=str(data_dir),
        JWT_SECRET="safe-defaults-secret-safe-defaults-secret",
        **values,
    )
    for name in ("DEMO_MODE", "INTROSPECTION"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    data_dir = tmp_path_factory.mktemp("production")
    env = environment(data_dir)
    server_command(env, "migrate")
    server_command(env, "seed")
    # Anonymous, both are refused anyway (UNAUTHENTICATED): ask as a signed-in user.
    headers = {"Authorization": f"Bearer {server_command(env, 'token', 'viewer')}"}
    port = free_port()
    with (
        server_process(serve_command(port), port, env, data_dir / "server.log") as server,
        httpx.Client(base_url=server.url, timeout=30, headers=headers) as http,
    ):
        yield http


def post(http: httpx.Client, query: str) -> dict[str, Any]:
    body: dict[str, Any] = http.post("/graphql", json={"query": query}).json()
    return body


def test_serve_refuses_the_demo_sign_in(production: httpx.Client) -> None:
    body = post(production, SIGN_IN)
    assert body["data"]["signInAsDemoUser"] == {
        "token": None,
        "userErrors": [{"code": "FORBIDDEN"}],
    }


def test_serve_refuses_introspection(production: httpx.Client) -> None:
    body = post(production, INTROSPECTION)
    assert "data" not in body or body["data"] is None
    assert {error["extensions"]["code"] for error in body["errors"]} == {
        "GRAPHQL_VALIDATION_FAILED"
    }


def test_serve_offers_no_graphiql(production: httpx.Client) -> None:
    response = production.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 404 and "graphiql" not in response.text.lower()


def test_run_turns_the_demo_on(tmp_path: Path) -> None:
    env = environment(tmp_path)
    port = free_port()
    run = [sys.executable, "server.py", "run", "--host", "127.0.0.1", "--port", str(port)]
    with (
        server_process(run, port, env, tmp_path / "server.log") as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        signed_in = post(http, SIGN_IN)["data"]["signInAsDemoUser"]
        introspected = post(http, INTROSPECTION)
    assert signed_in["userErrors"] == [] and signed_in["token"]
    assert introspected["data"] == {"__schema": {"queryType": {"name": "Query"}}}


def test_a_short_jwt_secret_is_refused_at_start(tmp_path: Path) -> None:
    env = environment(tmp_path) | {"JWT_SECRET": "ten-bytes!"}
    done = subprocess.run(
        serve_command(free_port()), cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "JWT_SECRET must be at least 32 bytes" in done.stderr
