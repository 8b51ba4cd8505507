"""Benchmark 3, fan-out: many live subscribers of one order, and a stream of task changes.

    .venv/bin/python -m bench.fanout [--subscribers 1000] [--changes 100] [--rate 2] [--burst 50]

In a throwaway PostgreSQL database, `--subscribers` graphql-transport-ws clients (a viewer's
token each) subscribe to the UI's `taskChanged` of one order (completions only, so that each
change is one event to each of them). Then `--changes` started tasks of the order are
completed through `completeTask` over HTTP, `--rate` a second: the latency from each change to
each client (from the event's `occurredAt`, the start of the change's transaction, a little
before its commit, to the moment the client has the message), p50/p95/p99. Then `--burst`
more, as fast as the server takes them: the deliveries per second it can sustain. And the
server's resident memory per idle subscriber (its RSS with the subscribers connected and idle,
less its RSS before, over their count). First on one server process (memory:// broker), then
on two (Redis on 127.0.0.1:6379): the subscribers split between them, the changes all made on
the first, so that half the deliveries cross processes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from tortoise import Tortoise

from bench import runner
from bench.databases import open_database, throwaway_database
from bench.load import Sample
from bench.machine import describe, load_average, process_cpu_seconds, process_rss_kb
from bench.plan_data import BenchPeople, create_started_tasks, install_bench_catalog
from bench.plan_query import ui_operation
from bench.server_process import BENCH_JWT_SECRET, Server, running_server
from bench.table import ms, number, render
from bench.ws_client import Subscriber, Tally
from models import Task
from resolvers.global_ids import encode_global_id
from services.auth import issue_token
from services.settings import Settings

# The Orchestration Plan page's subscription (ui/src/api/documents.graphql).
TASK_CHANGED = ui_operation("TaskChanged")
COMPLETE_TASK = """
mutation CompleteTask($input: CompleteTaskInput!) {
  completeTask(input: $input) { task { id state } userErrors { code message } }
}"""
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
CONNECT_BATCH = 50
WARM_UP_SUBSCRIBERS = 10


@dataclass(frozen=True)
class Options:
    subscribers: int
    changes: int
    burst: int
    rate: float
    timeout: float
    layouts: Sequence[str]


@dataclass(frozen=True)
class Outcome:
    layout: str
    subscribers: int
    changes: int
    expected: int
    latency: Sample
    by_server: dict[str, Sample]
    deliveries_per_second: float
    # Changes made as fast as the server took them, after the paced ones: what it can deliver.
    burst_deliveries_per_second: float
    # (changes, deliveries received, deliveries expected)
    burst: tuple[int, int, int]
    idle_kb_per_subscriber: dict[str, float]
    server_cpu_seconds: float
    client_cpu_seconds: float


def _mark_memory(servers: Sequence[Server]) -> None:
    """Under BENCH_PROFILER=tracemalloc, the servers compare their memory between two marks."""
    if os.environ.get("BENCH_PROFILER") == "tracemalloc":
        for server in servers:
            os.kill(server.pid, signal.SIGUSR1)


@dataclass(frozen=True)
class Scenario:
    """One order to watch, its started tasks, and the tokens to act and to watch with."""

    order_id: int
    tasks: list[Task]
    agent_token: str
    viewer_token: str


async def prepare(people: BenchPeople, settings: Settings, changes: int) -> Scenario:
    """`changes` started tasks of one order, and one more for the warm-up change."""
    # BENCH_SMALL: two tasks READY per line item.
    tasks = await create_started_tasks(people, product="BENCH_SMALL", line_items=(changes + 2) // 2)
    return Scenario(
        order_id=tasks[0].service_order_id,
        tasks=tasks[: changes + 1],
        agent_token=issue_token(people.agent, settings),
        viewer_token=issue_token(people.viewer, settings),
    )


async def complete(http: httpx.AsyncClient, token: str, task: Task) -> None:
    body = {"query": COMPLETE_TASK, "variables": {"input": {"taskId": gid(task)}}}
    response = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})
    payload = response.json()
    if (payload.get("data") or {}).get("completeTask", {}).get("userErrors") != []:
        raise RuntimeError(f"completeTask failed: {payload}")


def gid(task: Task) -> str:
    return encode_global_id("Task", task.id)


async def subscribe_all(
    servers: Sequence[Server], count: int, scenario: Scenario, tally: Tally
) -> list[tuple[str, Subscriber]]:
    """`count` subscribers, round-robin over the servers, opened a batch at a time."""
    variables = {
        "filter": {
            "serviceOrderId": encode_global_id("ServiceOrder", scenario.order_id),
            "states": ["COMPLETED"],
        }
    }
    opened: list[tuple[str, Subscriber]] = []
    for start in range(0, count, CONNECT_BATCH):
        batch = []
        for index in range(start, min(count, start + CONNECT_BATCH)):
            server = servers[index % len(servers)]
            url = server.url.replace("http://", "ws://") + "/graphql"
            batch.append(
                (
                    server.url,
                    Subscriber.open(url, scenario.viewer_token, TASK_CHANGED, variables, tally),
                )
            )
        subscribers = await asyncio.gather(*(opening for _, opening in batch))
        opened += [(url, s) for (url, _), s in zip(batch, subscribers, strict=True)]
    return opened


def latency_of(received_at: float, message: dict[str, Any]) -> float:
    if message.get("type") != "next" or "errors" in message.get("payload", {}):
        raise RuntimeError(f"a subscriber got {message}")
    occurred = message["payload"]["data"]["taskChanged"]["occurredAt"]
    return received_at - datetime.fromisoformat(occurred).timestamp()


async def make_changes(
    http: httpx.AsyncClient, token: str, tasks: Sequence[Task], rate: float | None, limit: float
) -> tuple[float, int]:
    """Complete `tasks` one after another, `rate` a second (None: as fast as the server
    answers), for at most `limit` seconds; when it started and how many were made."""
    started = time.time()
    made = 0
    for index, task in enumerate(tasks):
        if time.time() > started + limit:
            break  # the server cannot keep up: what was made is measured
        if rate is not None:
            await asyncio.sleep(max(0.0, started + index / rate - time.time()))
        await complete(http, token, task)
        made += 1
    return started, made


async def delivered(tally: Tally, total: int, within: float) -> None:
    """Until `total` messages have arrived, or `within` seconds have passed."""
    tally.expect(total)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(tally.reached.wait(), within)


async def measure_layout(
    layout: str, servers: Sequence[Server], scenario: Scenario, options: Options
) -> Outcome:
    names = {server.url: f"process {chr(ord('A') + i)}" for i, server in enumerate(servers)}
    warm_up, *tasks = scenario.tasks
    paced_tasks, burst_tasks = tasks[: options.changes], tasks[options.changes :]
    async with httpx.AsyncClient(base_url=servers[0].url, timeout=60) as http:
        # Loaded code, caches and pools first, so that the RSS difference is the subscribers'.
        tally = Tally()
        early_count = min(WARM_UP_SUBSCRIBERS * len(servers), options.subscribers // 2)
        early = await subscribe_all(servers, early_count, scenario, tally)
        await asyncio.sleep(1.0)
        _mark_memory(servers)
        before = {server.url: process_rss_kb(server.pid) for server in servers}
        rest = await subscribe_all(servers, options.subscribers - len(early), scenario, tally)
        subscribers = early + rest
        count = len(subscribers)
        # A change everyone must receive: then every subscription is live.
        await complete(http, scenario.agent_token, warm_up)
        async with asyncio.timeout(options.timeout):
            await asyncio.gather(*(s.first.wait() for _, s in subscribers))
        await asyncio.sleep(1.0)
        _mark_memory(servers)
        idle = {
            names[server.url]: (process_rss_kb(server.pid) - before[server.url])
            / max(1, sum(1 for url, _ in rest if url == server.url))
            for server in servers
        }
        cpu_before = sum(process_cpu_seconds(server.pid) for server in servers)
        client_before = time.process_time()
        token = scenario.agent_token
        started, made = await make_changes(http, token, paced_tasks, options.rate, options.timeout)
        await delivered(tally, count * (1 + made), options.timeout)
        server_cpu = sum(process_cpu_seconds(server.pid) for server in servers) - cpu_before
        client_cpu = time.process_time() - client_before
        burst_started, burst_made = await make_changes(
            http, token, burst_tasks, None, options.timeout
        )
        await delivered(tally, count * (1 + made + burst_made), options.timeout)
        for _, subscriber in subscribers:
            await subscriber.close()
    latencies: list[float] = []
    by_server: dict[str, list[float]] = {name: [] for name in names.values()}
    last, burst_count, burst_last = started, 0, burst_started
    for url, subscriber in subscribers:
        messages = subscriber.messages()
        for received_at, message in messages[1 : 1 + made]:  # not the warm-up
            latency = latency_of(received_at, message)
            latencies.append(latency)
            by_server[names[url]].append(latency)
            last = max(last, received_at)
        for received_at, message in messages[1 + made :]:
            latency_of(received_at, message)  # an error fails the run
            burst_count += 1
            burst_last = max(burst_last, received_at)
    elapsed = last - started
    burst_elapsed = burst_last - burst_started
    return Outcome(
        layout=layout,
        subscribers=count,
        changes=made,
        expected=count * made,
        latency=Sample(latencies, elapsed),
        by_server={name: Sample(values, elapsed) for name, values in by_server.items()},
        deliveries_per_second=len(latencies) / elapsed if elapsed > 0 else float("nan"),
        burst_deliveries_per_second=(
            burst_count / burst_elapsed if burst_elapsed > 0 else float("nan")
        ),
        burst=(burst_made, burst_count, count * burst_made),
        idle_kb_per_subscriber=idle,
        server_cpu_seconds=server_cpu,
        client_cpu_seconds=client_cpu,
    )


@contextlib.contextmanager
def servers_for(layout: str, url: str) -> Iterator[list[Server]]:
    if layout == "one":
        with running_server("server:create_app", url) as server:
            yield [server]
        return
    env = {"BROADCAST_URL": REDIS_URL}
    with (
        running_server("server:create_app", url, env=env) as first,
        running_server("server:create_app", url, env=env) as second,
    ):
        yield [first, second]


async def run(options: Options) -> list[Outcome]:
    outcomes = []
    async with throwaway_database("postgres") as url:
        await open_database(url)
        settings = Settings(_env_file=None, database_url=url, jwt_secret=BENCH_JWT_SECRET)
        try:
            people = await install_bench_catalog()
            changes = options.changes + options.burst
            scenarios = [await prepare(people, settings, changes) for _ in options.layouts]
        finally:
            await Tortoise.close_connections()
        for layout, scenario in zip(options.layouts, scenarios, strict=True):
            with servers_for(layout, url) as servers:
                title = "1 process" if layout == "one" else "2 processes, Redis"
                outcomes.append(await measure_layout(title, servers, scenario, options))
    return outcomes


def report(outcomes: Sequence[Outcome]) -> str:
    header = ["layout", "subscribers", "delivered", "of", "p50 ms", "p95 ms", "p99 ms"]
    header += ["deliveries/s", "burst deliveries/s", "idle KB/subscriber"]
    header += ["server CPU s", "client CPU s"]
    rows: list[list[str | int | None]] = []
    for o in outcomes:
        idle = ", ".join(f"{name}: {kb:.1f}" for name, kb in o.idle_kb_per_subscriber.items())
        rows.append(
            [
                o.layout,
                o.subscribers,
                o.latency.count,
                o.expected,
                ms(o.latency.p50),
                ms(o.latency.p95),
                ms(o.latency.p99),
                number(o.deliveries_per_second),
                number(o.burst_deliveries_per_second),
                idle,
                f"{o.server_cpu_seconds:.1f}",
                f"{o.client_cpu_seconds:.1f}",
            ]
        )
        if len(o.by_server) > 1:
            for name, sample in o.by_server.items():
                latencies = [ms(sample.p50), ms(sample.p95), ms(sample.p99)]
                rows.append([f"  on {name}", None, sample.count, None, *latencies, *[None] * 5])
    title = "Fan-out: task changes to live subscribers (taskChanged)"
    notes = [
        f"{o.layout}: burst of {made} changes, {got} of {wanted} deliveries received"
        for o in outcomes
        for made, got, wanted in [o.burst]
    ]
    return "\n".join([render(title, header, rows), "", *notes])


def parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=100, help="paced: latency")
    parser.add_argument("--rate", type=float, default=2.0, help="paced changes per second")
    parser.add_argument(
        "--burst", type=int, default=50, help="then as fast as the server takes them: capacity"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for deliveries"
    )
    parser.add_argument("--layout", choices=["one", "two", "both"], default="both")
    args = parser.parse_args(argv)
    layouts = ["one", "two"] if args.layout == "both" else [args.layout]
    return Options(args.subscribers, args.changes, args.burst, args.rate, args.timeout, layouts)


if __name__ == "__main__":
    chosen = parse(sys.argv[1:])
    # The clients keep every message they get: their own collections would show as latency.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    print(f"Machine: {describe()}\nBefore: {load_average()}", flush=True)
    results = runner.run(run(chosen))
    print(f"After: {load_average()}\n")
    print(report(results))
