"""A real service for the browser tests: its own SQLite database, migrated and seeded, served
by uvicorn (`server.py serve`) on a free loopback port in a subprocess."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.server_process import (
    ROOT,
    free_port,
    isolated_env,
    serve_command,
    server_command,
    server_process,
)

__all__ = ["ROOT", "RunningServer", "running_server"]


@dataclass(frozen=True)
class RunningServer:
    url: str
    env: dict[str, str]

    def command(self, *args: str) -> str:
        """Run `python server.py ARGS` against this server's database; its standard output."""
        return server_command(self.env, *args)


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The service's environment; `extra` adds to it or overrides it (DATABASE_URL, say)."""
    defaults = {
        "DATABASE_URL": f"sqlite://{data_dir / 'ui-tests.sqlite3'}",
        "BROADCAST_URL": "memory://",
        "DATA_DIR": str(data_dir),
        "JWT_SECRET": "ui-tests-secret-ui-tests-secret-0123456789",
        # The embedded demo's configuration (`server.py run` turns both on; `serve` does not).
        "DEMO_MODE": "true",
        "INTROSPECTION": "true",
        "CATCHUP_INTERVAL_SECONDS": "0.5",
    }
    return isolated_env(**{**defaults, **extra})


@contextmanager
def running_server(data_dir: Path, **extra_env: str) -> Iterator[RunningServer]:
    """`extra_env`: more variables of the server's environment; its output is in
    `data_dir / "server.log"`."""
    env = server_env(data_dir, **extra_env)
    port = free_port()
    server = RunningServer(url=f"http://127.0.0.1:{port}", env=env)
    server.command("migrate")
    server.command("seed")
    with server_process(serve_command(port), port, env, data_dir / "server.log"):
        yield server
