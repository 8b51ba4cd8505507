"""Several real server processes (`server.py serve`) on one PostgreSQL database, each on a free
loopback port, for the tests of delivery across processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from models import User
from services.auth import issue_token
from services.settings import Settings
from tests.services.events.conftest import SAFETY_TIMEOUT_SECONDS
from tests.services.events.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET = "processes-test-secret-processes-test-secret"
_STARTUP_SECONDS = 60.0


def base_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "BROADCAST_"))}
    env.update(
        DATABASE_URL=database_url,
        DATA_DIR=str(data_dir),
        JWT_SECRET=SECRET,
        DEMO_MODE="true",
    )
    return env


def token(username: str) -> str:
    """A token the servers accept (they share JWT_SECRET); only the username is signed."""
    return issue_token(User(username=username), Settings(_env_file=None, jwt_secret=SECRET))


async def run_command(env: dict[str, str], *args: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "server.py", *args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    async with asyncio.timeout(_STARTUP_SECONDS):
        assert await process.wait() == 0, f"server.py {' '.join(args)} failed"


@dataclass
class ServerProcess:
    name: str
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    async def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                *("server.py", "serve", "--host", "127.0.0.1", "--port", str(self.port)),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        async with httpx.AsyncClient(base_url=self.http_url) as http:
            async with asyncio.timeout(_STARTUP_SECONDS):
                while True:
                    assert self.process.returncode is None, self.log.read_text()[-2000:]
                    try:
                        if (await http.get("/healthz", timeout=1.0)).status_code == 200:
                            return
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            async with asyncio.timeout(SAFETY_TIMEOUT_SECONDS):
                await self.process.wait()
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

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
