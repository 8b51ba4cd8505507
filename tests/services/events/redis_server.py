"""A redis-server of a test's own, on a free loopback port, that the test can stop and start."""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
from collections.abc import AsyncIterator

import pytest_asyncio
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bench.server_process import free_port
from tests.conftest import unavailable

_STARTUP_SECONDS = 10.0


class RedisServer:
    def __init__(self, executable: str, port: int) -> None:
        self.executable = executable
        self.port = port
        self.url = f"redis://127.0.0.1:{port}"
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            self.executable,
            *("--bind", "127.0.0.1", "--port", str(self.port)),
            *("--save", "", "--appendonly", "no"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await self._until_answering()

    async def stop(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await self._process.wait()
        self._process = None

    def pause(self) -> None:
        """Freeze the server without closing its sockets: a broker that went silent."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    async def _until_answering(self) -> None:
        client = Redis.from_url(self.url, socket_connect_timeout=0.5)
        try:
            async with asyncio.timeout(_STARTUP_SECONDS):
                while True:
                    try:
                        await client.ping()
                        return
                    except (RedisError, OSError):
                        await asyncio.sleep(0.05)
        finally:
            await client.aclose()


@pytest_asyncio.fixture
async def redis_server() -> AsyncIterator[RedisServer]:
    """A fresh redis-server for this test only, stopped (if still running) at its end."""
    executable = shutil.which("redis-server")
    if executable is None:
        unavailable("redis-server", FileNotFoundError("redis-server is not installed"))
    assert executable is not None
    server = RedisServer(executable, free_port())
    try:
        await server.start()
    except (OSError, TimeoutError) as error:
        await server.stop()
        unavailable("redis-server", error)
    try:
        yield server
    finally:
        await server.stop()
