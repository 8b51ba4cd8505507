"""A worker as a process of its own (`python server.py worker`) or inside the server's
lifespan (`make run`: the embedded demo's worker, unless EMBEDDED_WORKER=false).

Both build the same thing from the settings: the registry (the demo handlers when
WORKER_DEMO_HANDLERS, then one http handler per WORKER_HTTP_ROUTES topic, which takes the
place of a demo handler of the same topic), the worker's user (WORKER_USERNAME, role
AUTOMATION), and a loop answering through the service calls (source.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from broadcaster import Broadcast
from tortoise import Tortoise

from models import User
from models.config import tortoise_config, with_pool_of_at_least
from services.events.hints import HINT_CHANNEL
from services.events.runtime import publishing_hints, running_broadcast
from services.limits import MAX_OUTPUT_BYTES
from services.observability.metrics import serve_metrics
from services.observability.sampler import sampling
from services.settings import Settings
from services.sweeping.runtime import run_sweepers
from services.workers.demo import demo_handler, demo_topics
from services.workers.http_handler import HttpHandler, HttpRoute
from services.workers.loop import Worker, WorkerOptions
from services.workers.registry import Registry, UnknownTopicError
from services.workers.source import ServiceSource

log = logging.getLogger(__name__)

MAX_WORKER_ID_LENGTH = 64
HINTS_RETRY_SECONDS = 5.0


class WorkerConfigurationError(Exception):
    pass


@dataclass(frozen=True)
class WorkerRequest:
    """What `server.py worker` asks for beyond the settings."""

    topics: Sequence[str] = ()  # --handlers: only these (empty: every registered topic)
    concurrency: int | None = None  # --concurrency (None: WORKER_CONCURRENCY)
    worker_id: str | None = None
    metrics_port: int | None = None  # --metrics-port (None: WORKER_METRICS_PORT, or none)
    metrics_host: str | None = None  # --metrics-host (None: WORKER_METRICS_HOST)


def default_worker_id() -> str:
    """host-pid-random: unique in a cluster, and says which process holds a lock."""
    host = socket.gethostname()[:40] or "worker"
    return f"{host}-{os.getpid()}-{uuid.uuid4().hex[:6]}"[:MAX_WORKER_ID_LENGTH]


def build_registry(settings: Settings, client: httpx.AsyncClient) -> Registry:
    registry = Registry()
    if settings.worker_demo_handlers:
        for topic in demo_topics():
            registry.register(topic, demo_handler(topic, seconds=settings.worker_demo_seconds))
    for topic, route in settings.worker_http_routes.items():
        http_route = HttpRoute(str(route.url), route.timeout_seconds, route.headers)
        handler = HttpHandler(http_route, client, max_body_bytes=MAX_OUTPUT_BYTES)
        registry.register(topic, handler, replace=True)
    return registry


async def worker_user(username: str) -> User:
    user = await User.get_or_none(username=username, is_active=True)
    if user is None:
        raise WorkerConfigurationError(
            f"No active user {username!r} for the worker (WORKER_USERNAME; role AUTOMATION)."
        )
    return user


@asynccontextmanager
async def running_worker(
    settings: Settings, request: WorkerRequest | None = None, *, hints: Broadcast | None = None
) -> AsyncIterator[Worker]:
    """A worker running in this process's loop until the block exits; then it stops, finishing
    or releasing what it runs (loop.py). Tortoise must be initialised. With `hints` (the
    broker), every hint of new events wakes it to fetch at once."""
    request = request or WorkerRequest()
    async with httpx.AsyncClient(follow_redirects=False) as client:
        registry = build_registry(settings, client)
        if request.topics:
            registry = registry.only(request.topics)
        if not len(registry):
            raise WorkerConfigurationError(
                "The worker has no handler: set WORKER_HTTP_ROUTES or WORKER_DEMO_HANDLERS=true."
            )
        options = WorkerOptions(
            worker_id=request.worker_id or default_worker_id(),
            concurrency=request.concurrency or settings.worker_concurrency,
            lock_seconds=settings.worker_lock_seconds,
            poll_seconds=settings.worker_poll_seconds,
            max_poll_seconds=max(settings.worker_max_poll_seconds, settings.worker_poll_seconds),
            stop_grace_seconds=settings.worker_stop_grace_seconds,
        )
        source = ServiceSource(await worker_user(settings.worker_username), options.worker_id)
        worker = Worker(source, registry, options)
        stop = asyncio.Event()
        log.info(
            "worker started",
            extra={
                "worker_id": options.worker_id,
                "topics": list(registry.topics),
                "concurrency": options.concurrency,
            },
        )
        running = asyncio.create_task(worker.run(stop), name="worker")
        listening = asyncio.create_task(wake_on_hints(hints, worker)) if hints else None
        try:
            yield worker
        finally:
            if listening:
                listening.cancel()
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await running
            log.info("worker stopped", extra={"worker_id": options.worker_id, **vars(worker.stats)})


async def wake_on_hints(broadcast: Broadcast, worker: Worker) -> None:
    """Wake the worker on each hint that events were committed (services/events/hints.py).
    Hints are a shortcut, not a duty: while the broker is away the poll finds the work."""
    while True:
        try:
            async with broadcast.subscribe(HINT_CHANNEL) as subscriber:
                while True:
                    await subscriber.get()
                    worker.wake()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("no hints from the broker; polling only", exc_info=True)
            await asyncio.sleep(HINTS_RETRY_SECONDS)


@asynccontextmanager
async def serving_metrics(host: str, port: int | None) -> AsyncIterator[None]:
    """The worker's metrics on `port` (none if None) while the block runs, with the sampled
    figures (its database pool, the sweepers' leases) kept fresh."""
    if port is None:
        yield
        return
    try:
        stop = serve_metrics(host, port)
    except OSError as error:
        raise WorkerConfigurationError(
            f"The worker's metrics cannot listen on {host}:{port} (WORKER_METRICS_PORT, "
            f"--metrics-port): {error.strerror or error}."
        ) from error
    log.info("worker metrics", extra={"url": f"http://{host}:{port}/metrics"})
    try:
        async with sampling():
            yield
    finally:
        stop()


async def serve_worker(settings: Settings, request: WorkerRequest) -> int:
    """`python server.py worker`: the worker and the sweepers (the lease keeps each sweeper to
    one process of the cluster) until SIGTERM or SIGINT; then a clean stop. With a metrics
    port, its metrics are served there."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    # A connection per slot, one for the sweepers and one for hints and answers in between.
    slots = request.concurrency or settings.worker_concurrency
    database_url = with_pool_of_at_least(settings.database_url, slots + 2)
    await Tortoise.init(config=tortoise_config(database_url))
    metrics_host = request.metrics_host or settings.worker_metrics_host
    try:
        async with (
            serving_metrics(metrics_host, request.metrics_port or settings.worker_metrics_port),
            publishing_hints(settings) as broadcast,
            running_worker(settings, request, hints=broadcast),
        ):
            sweepers = asyncio.create_task(run_sweepers(stop), name="sweepers")
            await stop.wait()
            await sweepers
    except (WorkerConfigurationError, UnknownTopicError) as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        await Tortoise.close_connections()
    return 0


@asynccontextmanager
async def embedded_worker(settings: Settings) -> AsyncIterator[Worker | None]:
    """The server's lifespan: a worker in the serving process when EMBEDDED_WORKER (make run).
    A worker it cannot build (no user, no handler) is logged and left out: the server still
    serves, and external workers can still do the work."""
    if not settings.embedded_worker:
        yield None
        return
    started = False
    try:
        async with running_worker(settings, hints=running_broadcast()) as worker:
            started = True
            yield worker
    except WorkerConfigurationError as error:
        if started:
            raise
        log.error("the embedded worker is not running", extra={"reason": str(error)})
        yield None
