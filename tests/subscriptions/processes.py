"""Several real server processes (`server.py serve`) on one PostgreSQL database, each on a free
loopback port, for the tests of delivery across processes."""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.server_process import (
    free_port,
    isolated_env,
    serve_command,
    server_command,
    start_server,
    stop_server,
    wait_until_healthy,
)
from models import User
from services.auth import issue_token
from services.settings import Settings
from tests.services.events.conftest import SAFETY_TIMEOUT_SECONDS

SECRET = "processes-test-secret-processes-test-secret"
_STARTUP_SECONDS = 60.0


def base_env(database_url: str, data_dir: Path) -> dict[str, str]:
    return isolated_env(
        DATABASE_URL=database_url, DATA_DIR=str(data_dir), JWT_SECRET=SECRET, DEMO_MODE="true"
    )


def token(username: str) -> str:
    """A token the servers accept (they share JWT_SECRET); only the username is signed."""
    return issue_token(User(username=username), Settings(_env_file=None, jwt_secret=SECRET))


async def run_command(env: dict[str, str], *args: str) -> None:
    await asyncio.to_thread(server_command, env, *args)


@dataclass
class ServerProcess:
    name: str
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    async def start(self) -> None:
        self.process = start_server(serve_command(self.port), self.env, self.log)
        # In a thread: the test's event loop keeps serving its own clients meanwhile.
        await asyncio.to_thread(
            wait_until_healthy, self.http_url, self.process, self.log, within=_STARTUP_SECONDS
        )

    async def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        await asyncio.to_thread(stop_server, self.process, within=SAFETY_TIMEOUT_SECONDS)

    async def graphql(self, username: str, query: str, **variables: Any) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.http_url, timeout=30) as http:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token(username)}"},
            )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    async def until_broker(self, state: str) -> None:
        """Wait until /readyz reports the broker `state` ("ok" or "degraded")."""
        async with asyncio.timeout(_STARTUP_SECONDS):
            # Polled: another process's state signals nothing here.
            while (await self.readiness()).get("broker") != state:  # noqa: ASYNC110
                await asyncio.sleep(0.1)

    async def readiness(self) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.http_url) as http:
            body: dict[str, Any] = (await http.get("/readyz", timeout=5.0)).json()
            return body
