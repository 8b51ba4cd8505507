"""The service: the Starlette app and its command line.

python server.py run        migrate, seed on first start, serve (what `make run` does)
python server.py serve      serve only [--host --port --workers]
python server.py migrate    apply Tortoise migrations to DATABASE_URL
python server.py seed       load the demo catalog, users and orders
python server.py token USERNAME [--ttl SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from tortoise import Tortoise
from tortoise.contrib.starlette import RegisterTortoise
from tortoise.migrations.api import migrate as migrate_api

from models.config import tortoise_config
from services.settings import get_settings


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def ui_mount() -> Mount:
    """The Orchestration Plan UI at /ui: the page `make ui` builds into ui/dist."""
    dist = Path(__file__).resolve().parent / "ui" / "dist"
    return Mount("/ui", app=StaticFiles(directory=dist, html=True, check_dir=False), name="ui")


def create_app() -> Starlette:
    settings = get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Requests run in other tasks than the lifespan: RegisterTortoise keeps the global
        # fallback on so that they see the connections made here.
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            yield

    return Starlette(routes=[Route("/healthz", healthz), ui_mount()], lifespan=lifespan)


async def migrate() -> None:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    await migrate_api(config=tortoise_config(settings.database_url))
    await Tortoise.close_connections()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="server.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "serve"):
        command = commands.add_parser(name)
        command.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        command.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        command.add_argument("--workers", type=int, default=1)
    commands.add_parser("migrate")
    args = parser.parse_args(argv)

    if args.command in ("run", "migrate"):
        asyncio.run(migrate())
    if args.command in ("run", "serve"):
        uvicorn.run(
            "server:create_app", factory=True, host=args.host, port=args.port, workers=args.workers
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
