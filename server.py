"""The service: the Starlette app and its command line.

python server.py run        migrate, seed on first start, serve (what `make run` does)
python server.py serve      serve only [--host --port --workers]
python server.py worker     run automated tasks and the sweepers [--handlers T ... --concurrency N
                            --metrics-port P]
python server.py migrate    apply Tortoise migrations to DATABASE_URL
python server.py seed       load the demo catalog, users and orders (again: changes nothing)
python server.py token USERNAME [--ttl SECONDS]
python server.py catalog PATH [--check]   validate a catalog file, and install it unless --check
python server.py schema [--check]         write schema.graphql (the contract) from the served schema
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from tortoise import Tortoise
from tortoise.contrib.starlette import RegisterTortoise
from tortoise.migrations.api import migrate as migrate_api

from models import User
from models.config import tortoise_config
from schema import contract
from schema.build import build_served_schema
from schema.http.body_limit import BodySizeLimit
from schema.http.metrics import metrics_endpoint
from schema.http.telemetry import Telemetry
from schema.view import GraphQLView
from services.auth import AuthenticationError, issue_token
from services.availability import database_answers
from services.catalog import install_catalog, load_catalog, validate_catalog_file
from services.events.runtime import broker_status, run_events
from services.observability.logs import configure_logging, logging_config
from services.observability.metrics import prepare_workers, worker_stopped
from services.observability.sampler import sampling
from services.observability.tracing import TracingUnavailable, configure_tracing, tracing_requested
from services.seed import seed_demo
from services.settings import Settings, get_settings
from services.sweeping.runtime import sweeping
from services.workers.runtime import WorkerRequest, embedded_worker, serve_worker

WORKER_HEALTHCHECK_SECONDS = 30


async def healthz(request: Request) -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The process can serve: its database answers. A broker that is down leaves it ready
    ("broker": "degraded"): events still reach subscribers through the relay's catch-up.
    It names what is down and no error text (which can carry hosts and user names): the
    details are in the log."""
    broker = broker_status().state
    if not await database_answers():
        body = {"status": "unavailable", "database": "unavailable", "broker": broker}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ready", "database": "ok", "broker": broker})


def ui_mount() -> Mount:
    """The Orchestration Plan UI at /ui: the page `make ui` builds into ui/dist."""
    dist = Path(__file__).resolve().parent / "ui" / "dist"
    return Mount("/ui", app=StaticFiles(directory=dist, html=True, check_dir=False), name="ui")


def routes(settings: Settings) -> list[BaseRoute]:
    graphql = GraphQLView(build_served_schema(settings), settings)
    return [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint(settings)),
        ui_mount(),
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Requests run in other tasks than the lifespan: RegisterTortoise keeps the global
        # fallback on so that they see the connections made here.
        # The events machinery (broker, relay, hint publisher) needs the database first.
        async with (
            RegisterTortoise(app, config=tortoise_config(settings.database_url)),
            run_events(settings),
            sampling(),
            sweeping(),
            # After the events machinery: its completions hint this process's relay.
            embedded_worker(settings),
        ):
            tune_garbage_collector()
            yield
        worker_stopped()

    # Telemetry first (outermost): it sees every answer, the body limit's 413 included.
    middleware = [
        Middleware(Telemetry),
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
    ]
    return Starlette(routes=routes(settings), middleware=middleware, lifespan=lifespan)


def tune_garbage_collector() -> None:
    """Fewer and cheaper collections. A serving process holds many long-lived objects (a
    thousand idle subscribers are a few hundred thousand), and each full collection walks
    them all while every request and delivery waits: with Python's defaults, a fan-out to
    1,000 subscribers had a p99 of ~450 ms; with these, ~200 ms (README, Performance)."""
    # What startup made (modules, the schema, pools) lives as long as the process.
    gc.freeze()
    # A young collection every 50,000 allocations instead of 700: a plan or a fan-out makes
    # hundreds of thousands of short-lived objects, and no cycles that need finding sooner.
    gc.set_threshold(50_000, 20, 100)


async def with_database(work: Callable[[], Awaitable[int]]) -> int:
    await Tortoise.init(config=tortoise_config(get_settings().database_url))
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


async def migrate() -> None:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    await migrate_api(config=tortoise_config(settings.database_url))
    await Tortoise.close_connections()


async def seed(*, only_if_empty: bool = False) -> int:
    if only_if_empty and await User.exists():
        return 0
    print("Seeding the demo catalog, users and orders…")
    await seed_demo()
    return 0


async def print_token(username: str, ttl_seconds: int | None) -> int:
    user = await User.get_or_none(username=username, is_active=True)
    if user is None:
        print(f"No active user {username!r}.", file=sys.stderr)
        return 1
    try:
        print(issue_token(user, get_settings(), ttl_seconds=ttl_seconds))
    except AuthenticationError as error:
        print(error.message, file=sys.stderr)
        return 1
    return 0


def check_catalog(path: Path) -> int:
    """Print every problem of a catalog file; 0 when it is valid."""
    problems = validate_catalog_file(path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{path}: valid")
    return 1 if problems else 0


async def load_catalog_file(path: Path) -> int:
    # Validated again by install_catalog, which writes all of it or nothing.
    await install_catalog(load_catalog(path))
    print(f"{path}: installed")
    return 0


def write_contract(*, check: bool) -> int:
    """`make schema`: schema.graphql from the served schema, refused for a breaking change that
    CHANGELOG.md does not acknowledge; with --check, write nothing and fail on a stale file."""
    baseline = contract.read_baseline()
    result = contract.update(contract.ROOT, contract.served_sdl(), baseline, check=check)
    for line in contract.report(result.verdict, baseline):
        print(line, file=sys.stderr)
    if result.written:
        print(f"{contract.SDL_FILE}: written")
    elif result.stale and result.verdict.accepted:
        stale = f"{contract.SDL_FILE} differs from the served schema: run `make schema`"
        print(stale, file=sys.stderr)
    elif not result.stale:
        print(f"{contract.SDL_FILE}: up to date")
    return result.status


def welcome(host: str, port: int) -> str:
    base = f"http://{host}:{port}"
    return (
        f"GraphiQL:  {base}/graphql\n"
        f"Plan UI:   {base}/ui/\n"
        "A token:   .venv/bin/python server.py token manager   "
        "(or agent1, agent2, viewer, partner, admin)\n"
        "Send it as the header  Authorization: Bearer <token>"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="server.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "serve"):
        command = commands.add_parser(name)
        command.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        command.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        command.add_argument("--workers", type=int, default=1)
    worker = commands.add_parser("worker", help="run automated tasks, and the sweepers")
    worker.add_argument(
        "--handlers", nargs="+", default=[], metavar="TOPIC", help="only these topics"
    )
    worker.add_argument("--concurrency", type=int, default=None, help="WORKER_CONCURRENCY")
    worker.add_argument("--worker-id", default=None, help="default: host-pid-random")
    worker.add_argument(
        "--metrics-port", type=int, default=None, help="serve /metrics (WORKER_METRICS_PORT)"
    )
    worker.add_argument("--metrics-host", default=None, help="WORKER_METRICS_HOST (127.0.0.1)")
    commands.add_parser("migrate")
    commands.add_parser("seed")
    token = commands.add_parser("token", help="print a bearer token for an existing user")
    token.add_argument("username")
    token.add_argument("--ttl", type=int, default=None, help="seconds (default TOKEN_TTL_SECONDS)")
    catalog = commands.add_parser("catalog", help="validate and install a catalog file")
    catalog.add_argument("path", type=Path)
    catalog.add_argument("--check", action="store_true", help="validate only; write nothing")
    schema = commands.add_parser("schema", help="write schema.graphql, the schema contract")
    schema.add_argument("--check", action="store_true", help="write nothing; fail if stale")
    args = parser.parse_args(argv)

    if args.command == "run":
        # The embedded demo: demo sign-in and GraphiQL on, unless the environment says
        # otherwise. `serve` (production) keeps the settings' defaults: both off. And logs
        # for a person reading the terminal (`serve`: JSON lines).
        os.environ.setdefault("DEMO_MODE", "true")
        os.environ.setdefault("INTROSPECTION", "true")
        os.environ.setdefault("LOG_FORMAT", "console")
        # The demo moves on its own: a worker with the demo handlers in the server's process.
        os.environ.setdefault("EMBEDDED_WORKER", "true")
        os.environ.setdefault("WORKER_DEMO_HANDLERS", "true")
    try:
        settings = get_settings()
    except ValidationError as error:  # refused at start, before anything listens
        print(f"Configuration refused:\n{error}", file=sys.stderr)
        return 2
    log_config = logging_config(settings.log_format, settings.log_level)
    configure_logging(settings.log_format, settings.log_level)
    if args.command in ("run", "serve") and tracing_requested(os.environ):
        try:  # refused at start rather than in each worker
            configure_tracing(os.environ)
        except TracingUnavailable as error:
            print(error, file=sys.stderr)
            return 2

    if args.command in ("run", "migrate"):
        asyncio.run(migrate())
    if args.command == "run":
        asyncio.run(with_database(lambda: seed(only_if_empty=True)))
    if args.command == "seed":
        return asyncio.run(with_database(seed))
    if args.command == "catalog":
        status = check_catalog(args.path)
        if status or args.check:
            return status
        return asyncio.run(with_database(lambda: load_catalog_file(args.path)))
    if args.command == "schema":
        return write_contract(check=args.check)
    if args.command == "worker":
        if args.concurrency is not None and args.concurrency < 1:
            print("--concurrency must be at least 1", file=sys.stderr)
            return 2
        if args.metrics_port is not None and not 1 <= args.metrics_port <= 65535:
            print("--metrics-port must be between 1 and 65535", file=sys.stderr)
            return 2
        request = WorkerRequest(
            tuple(args.handlers),
            args.concurrency,
            args.worker_id,
            metrics_port=args.metrics_port,
            metrics_host=args.metrics_host,
        )
        return asyncio.run(serve_worker(settings, request))
    if args.command == "token":
        return asyncio.run(with_database(lambda: print_token(args.username, args.ttl)))
    if args.command in ("run", "serve"):
        print(welcome(args.host, args.port), flush=True)
        if args.workers > 1:
            prepare_workers(settings.data_dir)
        uvicorn.run(
            "server:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            ws_max_size=settings.max_body_bytes,
            log_config=log_config,
            # The service writes its own access line, with the request's id and operation.
            access_log=False,
            # How long the supervisor of several workers waits for one to answer before it
            # kills it as hung. Its default (5 s) is shorter than a worker takes to import the
            # service on a loaded 2-core machine: every worker was killed before serving.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
