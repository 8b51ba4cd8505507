"""A real uvicorn server in a subprocess on a free loopback port, for the benchmarks and for the
tests that need one (browser, end-to-end, several processes on one database).

It lives in bench/ because the benchmarks must not import from tests/, while tests may import
bench: this way there is one copy without a new top-level package.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
COMMAND_TIMEOUT_SECONDS = 60.0
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


def isolated_env(**values: str) -> dict[str, str]:
    """This process's environment with `values`, and no database or broker from outside them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "BROADCAST_"))}
    env.update(values)
    return env


def serve_command(port: int) -> list[str]:
    """`server.py serve` on the loopback `port`."""
    return [sys.executable, "server.py", "serve", "--host", "127.0.0.1", "--port", str(port)]


def server_command(env: Mapping[str, str], *args: str) -> str:
    """Run `python server.py ARGS` (migrate, seed, ...) with `env`; its standard output."""
    done = subprocess.run(
        [sys.executable, "server.py", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        check=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
    )
    return done.stdout.strip()


def start_server(
    command: Sequence[str], env: Mapping[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """Start `command` from the repository root, its output going to `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(
            list(command), cwd=ROOT, env=dict(env), stdout=output, stderr=subprocess.STDOUT
        )


def wait_until_healthy(
    url: str,
    process: subprocess.Popen[bytes],
    log: Path,
    *,
    within: float = STARTUP_TIMEOUT_SECONDS,
) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer on {url} within {within}s")


def stop_server(process: subprocess.Popen[bytes], *, within: float = STOP_TIMEOUT_SECONDS) -> None:
    """Terminate, and kill what does not stop `within` seconds; a stopped process is left be."""
    process.terminate()
    try:
        process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def server_process(
    command: Sequence[str], port: int, env: Mapping[str, str], log: Path
) -> Iterator[Server]:
    """`command`, serving on the loopback `port`, from its first healthy answer until the end."""
    process = start_server(command, env, log)
    try:
        server = Server(url=f"http://127.0.0.1:{port}", pid=process.pid)
        wait_until_healthy(server.url, process, log)
        yield server
    finally:
        stop_server(process)


def server_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a benchmark server: this run's database, nothing from outside."""
    return isolated_env(
        DATABASE_URL=database_url,
        BROADCAST_URL="memory://",
        DATA_DIR=str(data_dir),
        JWT_SECRET=BENCH_JWT_SECRET,
        **extra,
    )


@contextmanager
def running_server(
    app_factory: str, database_url: str, *, env: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """`uvicorn APP_FACTORY --factory` (one worker, uvloop and httptools as in production),
    logging warnings only, so that access logs do not weigh on the figures."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-server-") as directory:
        data_dir = Path(directory)
        command = [sys.executable, "-m", *_uvicorn(), app_factory, "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        full_env = {**server_env(database_url, data_dir), **(env or {})}
        with server_process(command, port, full_env, data_dir / "server.log") as server:
            yield server


def _uvicorn() -> list[str]:
    """uvicorn; with BENCH_PROFILE_DIR set, under a profiler (bench/profiled_server.py:
    BENCH_PROFILER=cprofile, tracemalloc or pyinstrument), leaving its profile there."""
    directory = os.environ.get("BENCH_PROFILE_DIR")
    if not directory:
        return ["uvicorn"]
    suffixes = {"cprofile": ".prof", "tracemalloc": ".mem"}
    suffix = suffixes.get(os.environ.get("BENCH_PROFILER", ""), ".txt")
    return ["bench.profiled_server", str(Path(directory) / f"server-{free_port()}{suffix}")]


def worker_command(*args: str) -> list[str]:
    """`server.py worker ARGS` (--handlers, --concurrency, --worker-id)."""
    return [sys.executable, "server.py", "worker", *args]


@contextmanager
def worker_process(
    env: Mapping[str, str], log: Path, *args: str, within: float = STARTUP_TIMEOUT_SECONDS
) -> Iterator[subprocess.Popen[bytes]]:
    """`server.py worker ARGS`, from its "worker started" log line until the end (SIGTERM:
    the worker finishes or releases what it runs)."""
    process = start_server(worker_command(*args), env, log)
    try:
        deadline = time.monotonic() + within
        while "worker started" not in log.read_text(errors="replace"):
            if process.poll() is not None:
                raise RuntimeError(
                    f"the worker exited with {process.returncode}:\n{log.read_text()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start within {within}s:\n{log.read_text()}")
            time.sleep(0.1)
        yield process
    finally:
        stop_server(process)
