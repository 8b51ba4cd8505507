"""A real service for the browser tests: its own SQLite database, migrated and seeded, served
by uvicorn (`server.py serve`) on a free loopback port in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class RunningServer:
    url: str
    env: dict[str, str]

    def command(self, *args: str) -> str:
        """Run `python server.py ARGS` against this server's database; its standard output."""
        done = subprocess.run(
            [sys.executable, "server.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout.strip()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "BROADCAST_"))}
    env.update(
        DATABASE_URL=f"sqlite://{data_dir / 'ui-tests.sqlite3'}",
        BROADCAST_URL="memory://",
        DATA_DIR=str(data_dir),
        JWT_SECRET="ui-tests-secret-ui-tests-secret-0123456789",
        DEMO_MODE="true",
        CATCHUP_INTERVAL_SECONDS="0.5",
    )
    return env


def wait_until_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer on {url} within {STARTUP_TIMEOUT_SECONDS}s")


@contextmanager
def running_server(data_dir: Path) -> Iterator[RunningServer]:
    env = server_env(data_dir)
    port = free_port()
    server = RunningServer(url=f"http://127.0.0.1:{port}", env=env)
    server.command("migrate")
    server.command("seed")
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "server.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_healthy(server.url, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
