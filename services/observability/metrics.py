"""The service's Prometheus metrics (README, Operations, lists them with their meaning).

Every figure a hot path records is a counter or histogram increment, or a gauge set: no work
per field, one or two increments per request or delivery.

Several uvicorn workers (`serve --workers N`) share one listening socket, so a scrape reaches
one of them at random. `serve` then runs prometheus-client's multiprocess mode: it points
PROMETHEUS_MULTIPROC_DIR at an empty directory before the workers start (`prepare_workers`),
each worker writes its figures to memory-mapped files there, and whichever worker answers
/metrics adds them all up. Rejected: a scrape per process (a port per worker), which uvicorn's
shared socket has no place for and which would make Prometheus's configuration follow the
worker count. The multiprocess mode has no process metrics (CPU, memory): those come only in
single-process mode; each gauge says how workers combine (`multiprocess_mode`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
    start_http_server,
)

# No `_created` series beside each counter and histogram: they double the output and no
# alert or dashboard here reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
PREFIX = "fulfillment"

# Seconds. The plan of an 800-task order takes ~0.3 s; anything past 10 s is an incident.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# GraphQL
GRAPHQL_REQUESTS = Histogram(
    f"{PREFIX}_graphql_request_duration_seconds",
    "GraphQL requests over HTTP, from the first byte in to the last byte out.",
    ["operation", "type", "outcome"],
    buckets=LATENCY_BUCKETS,
)
GRAPHQL_ERRORS = Counter(
    f"{PREFIX}_graphql_errors_total",
    "GraphQL errors sent to clients (HTTP and websockets), by extensions.code.",
    ["code"],
)
# HTTP (every route)
HTTP_REQUESTS = Counter(
    f"{PREFIX}_http_requests_total",
    "HTTP requests answered, by route and status code.",
    ["route", "status"],
)
# Websockets and subscriptions
WEBSOCKETS_OPEN = Gauge(
    f"{PREFIX}_websockets_open",
    "Websocket connections accepted and not yet closed.",
    multiprocess_mode="livesum",
)
SUBSCRIPTIONS_ACTIVE = Gauge(
    f"{PREFIX}_subscriptions_active",
    "Subscriptions running (each reading its own feed of the relay).",
    multiprocess_mode="livesum",
)
DELIVERIES = Counter(
    f"{PREFIX}_subscription_deliveries_total",
    "Events delivered to subscribers (one per subscriber and event).",
)
DROPS = Counter(
    f"{PREFIX}_subscription_drops_total",
    "Subscribers cut off because their queue was full (too slow; they may resume with after:).",
)
# The event relay and the outbox (the event table)
RELAY_EVENTS = Counter(
    f"{PREFIX}_relay_events_total",
    "Events the relay read from the event table and handed to its subscribers.",
)
RELAY_LAG = Gauge(
    f"{PREFIX}_relay_lag_seconds",
    "Age of the newest event the relay handed out, when it handed it out "
    "(from its unit of work's start to the relay).",
    multiprocess_mode="livemax",
)
OUTBOX_BACKLOG = Gauge(
    f"{PREFIX}_outbox_backlog_events",
    "Events committed that this process's relay has not handed out yet (sampled; capped).",
    multiprocess_mode="livemax",
)
# The database pool (PostgreSQL; SQLite has a single connection and no pool)
DB_POOL_CONNECTIONS = Gauge(
    f"{PREFIX}_db_pool_connections",
    "Connections of the database pool, by state (in_use, idle).",
    ["state"],
    multiprocess_mode="livesum",
)
DB_POOL_MAX = Gauge(
    f"{PREFIX}_db_pool_max_connections",
    "The database pool's maximum size.",
    multiprocess_mode="livesum",
)

# The sweepers (services/sweeping/runtime.py): one pass per interval on the process that
# holds the sweeper's lease; the others count `not_leader`.
SWEEP_PASS_OUTCOMES = ("ran", "not_leader", "failed")
SWEEP_PASSES = Counter(
    f"{PREFIX}_sweeper_passes_total",
    "Sweeper passes tried, by sweeper and outcome (ran, not_leader, failed).",
    ["sweeper", "outcome"],
)
SWEEP_CHANGED = Counter(
    f"{PREFIX}_sweeper_changed_total",
    "Things a sweeper's passes changed (the jeopardy sweeper: levels), by sweeper.",
    ["sweeper"],
)
SWEEP_DURATION = Histogram(
    f"{PREFIX}_sweeper_pass_duration_seconds",
    "Sweeper passes that ran (held the lease), from the lease to the pass's end, by sweeper.",
    ["sweeper"],
    buckets=LATENCY_BUCKETS,
)
SWEEP_LEASE_LEFT = Gauge(
    f"{PREFIX}_sweeper_lease_seconds_left",
    "Seconds until a sweeper's lease expires (sampled from the lease table; 0 or less: no "
    "process has renewed it for three intervals, the sweeper runs nowhere).",
    ["sweeper"],
    multiprocess_mode="livemostrecent",
)
# The built-in worker (services/workers/loop.py): each handler's run, by the topic it handles
# (a worker's own registry: a bounded set) and what it answered.
HANDLER_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
WORKER_HANDLER_DURATION = Histogram(
    f"{PREFIX}_worker_handler_duration_seconds",
    "Handler runs of the built-in worker, by topic and outcome (completed, failed: it answered "
    "a failure, raised: a bug, cancelled: its lock was lost or the worker stopped).",
    ["topic", "outcome"],
    buckets=HANDLER_BUCKETS,
)
# Automated tasks (services/tasks/worker_lock.py): each attempt a worker took and how it ended,
# counted once its transaction commits, by the task's handler (a catalog topic).
AUTOMATED_TASKS = Counter(
    f"{PREFIX}_automated_tasks_total",
    "Attempts of automated tasks committed, by handler and outcome: locked (a worker took "
    "it), then one of completed, retry_scheduled, fallout, lock_expired, cancelled.",
    ["handler", "outcome"],
)
# Jeopardy (services/schedule/reschedule.py): counted once the change's transaction commits.
JEOPARDY_CHANGES = Counter(
    f"{PREFIX}_jeopardy_changes_total",
    "Jeopardy level changes committed, by entity (order, task) and the level reached.",
    ["entity", "level"],
)
ORDERS_BY_JEOPARDY = Gauge(
    f"{PREFIX}_orders_in_jeopardy",
    "Service orders at each jeopardy level above NONE (sampled; a complete order is NONE).",
    ["level"],
    multiprocess_mode="livemostrecent",
)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_VARIABLE) or None


def render() -> bytes:
    """The text exposition of every metric: this process's, or all workers' added up."""
    if multiprocess_dir() is None:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def serve_metrics(host: str, port: int) -> Callable[[], None]:
    """This process's metrics on a port of their own, for `server.py worker`, which has no
    HTTP port (README, Operations: the worker's metrics): prometheus-client's own server, in a
    thread of its own, so that a scrape never waits for the worker's event loop. Returns the
    function that stops it. OSError when the port cannot be had."""
    server, thread = start_http_server(port, addr=host)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return stop


def prepare_workers(data_dir: Path) -> None:
    """Before `serve` starts several workers: an empty directory for their figures.

    Called in the parent process, whose own metrics (made at import) stay in memory: the
    workers are started afresh (spawned) and read the variable when they import the metrics.
    """
    directory = Path(os.environ.get(MULTIPROC_VARIABLE) or data_dir / "prometheus")
    # Figures of an earlier run would be added to this one's.
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ[MULTIPROC_VARIABLE] = str(directory)


def worker_stopped() -> None:
    """A worker leaving: its live gauges (websockets, pool, ...) stop counting."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
