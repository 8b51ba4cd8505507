"""A uvicorn server in a subprocess on a free loopback port, for as long as a block runs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_SECONDS = 30.0
BENCH_JWT_SECRET = "bench-secret-bench-secret-bench-secret-0123456789"


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a benchmark server: this run's database, nothing from outside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "BROADCAST_"))}
    env.update(
        DATABASE_URL=database_url,
        BROADCAST_URL="memory://",
        DATA_DIR=str(data_dir),
        JWT_SECRET=BENCH_JWT_SECRET,
        **extra,
    )
    return env


@contextmanager
def running_server(
    app_factory: str, database_url: str, *, env: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """`uvicorn APP_FACTORY --factory` (one worker, uvloop and httptools as in production),
    logging warnings only, so that access logs do not weigh on the figures."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-server-") as directory:
        data_dir = Path(directory)
        log = (data_dir / "server.log").open("wb")
        command = [sys.executable, "-m", "uvicorn", app_factory, "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**server_env(database_url, data_dir), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = Server(url=f"http://127.0.0.1:{port}", pid=process.pid)
        try:
            _wait_until_healthy(server.url, process, data_dir / "server.log")
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer on {url} within {STARTUP_TIMEOUT_SECONDS}s")
