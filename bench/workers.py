"""Benchmark: automated tasks per second with 1, 2 and 4 worker processes, and the time from a
task becoming READY to a worker locking it (PostgreSQL).

    .venv/bin/python -m bench.workers [--orders 20] [--concurrency 8] [--rounds 2]

In a throwaway PostgreSQL database, orders of BENCH_AUTOMATED (bench/catalog_automated.yaml:
ten automated tasks each, eight READY at approval and two released by completions) are worked
by `server.py worker` processes running the demo handler without its pause
(WORKER_DEMO_SECONDS=0), so what is measured is the worker and the service calls: fetch and
lock, complete with its cascade and rollup, in a transaction each.

**Throughput.** For each setting, `--orders` orders are approved while their tasks are not yet
due (`next_attempt_at` in the future), then made due by one UPDATE, so that every worker starts
on a full queue; tasks/s = tasks / (first task.locked → last task.completed), read from the
events the services wrote; with the workers' fetch calls per task and the share of them that
came back empty (the stats each worker logs as it stops). Settings: 1, 2 and 4 worker processes
of `--concurrency` slots each, with Redis as the broker as in production (a fetch that comes
back short because another worker holds an order's lock is followed by the next commit's hint
rather than a backed-off poll), and, as the baseline, the same worker loop inside this process
(no process of its own, no broker). Rounds alternate the settings. Ratios are to 1 worker
process.

**READY → locked.** Two idle workers; one order is approved every two seconds; for each task
READY at approval, the time from the approval's commit (when the call returns here) to its
task.locked event (the fetch's transaction start, so a lock taken between the commit and the
return reads as a few ms below zero). Once with `BROADCAST_URL=memory://` (hints do not cross
processes: the workers find work by polling, WORKER_POLL_SECONDS 0.5 doubling to
WORKER_MAX_POLL_SECONDS 5 while idle), once with Redis (every commit's hint wakes them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from tortoise import Tortoise

from bench import runner
from bench.databases import open_database, throwaway_database
from bench.machine import describe, load_average, process_cpu_seconds
from bench.server_process import server_env, worker_process
from bench.table import ms, number, ratio, render
from models import AssignmentGroup, Event, Task, TaskDependency, User
from models.enums import Role, TaskState
from services.catalog import install_catalog, load_catalog
from services.events.runtime import publishing_hints
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    submit_service_order,
)
from services.settings import Settings
from services.workers.demo import demo_handler
from services.workers.loop import Worker, WorkerOptions, WorkerStats
from services.workers.registry import Registry
from services.workers.source import ServiceSource

CATALOG_PATH = Path(__file__).with_name("catalog_automated.yaml")
PRODUCT = "BENCH_AUTOMATED"
TOPIC = "demo.activate_service"
REDIS_URL = "redis://127.0.0.1:6379"
WORKER_COUNTS = (1, 2, 4)
BASELINE = "1 worker in this process"
LATENCY_ORDERS = 8
LATENCY_SPACING_SECONDS = 2.0
DONE_TIMEOUT_SECONDS = 300.0
NOT_YET = datetime(2999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Options:
    orders: int
    concurrency: int
    rounds: int
    latency_orders: int
    worker_counts: tuple[int, ...] = WORKER_COUNTS
    latency_workers: int = 2


@dataclass(frozen=True)
class People:
    manager: User
    partner: User
    automation: User


@dataclass
class Throughput:
    tasks: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    fetches: int = 0  # the workers' fetch calls (WorkerStats)
    empty_fetches: int = 0

    @property
    def per_second(self) -> float:
        return self.tasks / self.seconds if self.seconds else float("nan")

    @property
    def cpu_per_task(self) -> float:
        return self.cpu / self.tasks if self.tasks else float("nan")

    @property
    def fetches_per_task(self) -> float:
        return self.fetches / self.tasks if self.tasks else float("nan")

    @property
    def empty_share(self) -> float:
        return self.empty_fetches / self.fetches if self.fetches else float("nan")


async def install() -> People:
    await install_catalog(load_catalog(CATALOG_PATH))
    manager, _ = await User.get_or_create(
        username="bench-manager",
        defaults={"display_name": "Bench Manager", "roles": [Role.ORDER_MANAGER.value]},
    )
    partner, _ = await User.get_or_create(
        username="bench-partner",
        defaults={"display_name": "Bench Partner", "roles": [Role.INTEGRATOR.value]},
    )
    automation, _ = await User.get_or_create(
        username="automation",
        defaults={"display_name": "Automation", "roles": [Role.AUTOMATION.value]},
    )
    await AssignmentGroup.get_or_create(name="bench-automation")
    return People(manager, partner, automation)


async def approved_order(people: People) -> list[int]:
    """One approved BENCH_AUTOMATED order; its task ids."""
    order = await submit_service_order(
        people.partner,
        SubmitOrderInput(
            customer="Bench Customer", line_items=[LineItemInput(specification_code=PRODUCT)]
        ),
    )
    await approve_service_order(people.manager, order.id)
    ids = await Task.filter(service_order_id=order.id).values_list("id", flat=True)
    return cast(list[int], ids)


async def queued_tasks(people: People, orders: int) -> list[int]:
    """`orders` approved orders whose tasks are not yet due: made due together by `release`."""
    ids: list[int] = []
    for _ in range(orders):
        order_ids = await approved_order(people)
        await Task.filter(id__in=order_ids, state=TaskState.READY).update(next_attempt_at=NOT_YET)
        ids += order_ids
    return ids


async def release(ids: list[int]) -> None:
    await Task.filter(id__in=ids, next_attempt_at=NOT_YET).update(next_attempt_at=None)


async def until_done(ids: list[int]) -> None:
    deadline = time.monotonic() + DONE_TIMEOUT_SECONDS
    while await Task.filter(id__in=ids, state=TaskState.COMPLETED).count() < len(ids):
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not complete every task in time")
        await asyncio.sleep(0.05)


async def event_times(ids: list[int], kind: str) -> dict[int, datetime]:
    """The first `kind` event of each task."""
    rows = cast(
        list[tuple[int, datetime]],
        await Event.filter(entity_type="task", entity_id__in=ids, kind=kind)
        .order_by("id")
        .values_list("entity_id", "occurred_at"),
    )
    first: dict[int, datetime] = {}
    for task_id, at in rows:
        first.setdefault(task_id, at)
    return first


async def span(ids: list[int]) -> float:
    """Seconds from the first lock to the last completion of `ids`."""
    locked = await event_times(ids, "task.locked")
    completed = await event_times(ids, "task.completed")
    return (max(completed.values()) - min(locked.values())).total_seconds()


def worker_env(url: str, data_dir: Path, broadcast_url: str, concurrency: int) -> dict[str, str]:
    env = server_env(
        url,
        data_dir,
        WORKER_DEMO_HANDLERS="true",
        WORKER_DEMO_SECONDS="0",
        WORKER_CONCURRENCY=str(concurrency),
        LOG_FORMAT="json",
    )
    return {**env, "BROADCAST_URL": broadcast_url}


@contextmanager
def worker_processes(count: int, env: dict[str, str], data_dir: Path) -> Iterator[list[int]]:
    """`count` `server.py worker` processes of the bench topic, all started; their pids."""
    with ExitStack() as stack:
        pids = []
        for n in range(count):
            log = data_dir / f"worker-{count}-{n}.log"
            process = stack.enter_context(worker_process(env, log, "--handlers", TOPIC))
            pids.append(process.pid)
        yield pids


@contextlib.asynccontextmanager
async def in_process_worker(people: People, concurrency: int) -> AsyncIterator[Worker]:
    registry = Registry()
    registry.register(TOPIC, demo_handler(TOPIC))
    options = WorkerOptions("bench-in-process", concurrency=concurrency)
    worker = Worker(ServiceSource(people.automation, options.worker_id), registry, options)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        yield worker
    finally:
        stop.set()
        await running


def stopped_stats(logs: Sequence[Path]) -> WorkerStats:
    """The sum of the stats each worker logged as it stopped ("worker stopped")."""
    total = WorkerStats()
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            if '"worker stopped"' in line:
                record = json.loads(line)
                total.fetches += record.get("fetches", 0)
                total.empty_fetches += record.get("empty_fetches", 0)
    return total


async def measure(
    setting: str, people: People, options: Options, url: str, data_dir: Path
) -> Throughput:
    ids = await queued_tasks(people, options.orders)
    if setting == BASELINE:
        cpu = time.process_time()
        async with in_process_worker(people, options.concurrency) as worker:
            await release(ids)
            await until_done(ids)
        used = time.process_time() - cpu
        stats = worker.stats
    else:
        env = worker_env(url, data_dir, REDIS_URL, options.concurrency)
        count = int(setting.split()[0])
        with worker_processes(count, env, data_dir) as pids:
            before = sum(process_cpu_seconds(pid) for pid in pids)
            await release(ids)
            await until_done(ids)
            used = sum(process_cpu_seconds(pid) for pid in pids) - before
        stats = stopped_stats([data_dir / f"worker-{count}-{n}.log" for n in range(count)])
    seconds = await span(ids)
    return Throughput(len(ids), seconds, used, stats.fetches, stats.empty_fetches)


async def latencies(
    people: People, options: Options, url: str, data_dir: Path, broadcast_url: str
) -> list[float]:
    """Commit → locked, for the tasks READY at approval of orders approved one every
    LATENCY_SPACING_SECONDS, the workers idle in between."""
    env = worker_env(url, data_dir, broadcast_url, options.concurrency)
    settings = Settings(_env_file=None, database_url=url, broadcast_url=broadcast_url)
    committed: dict[int, datetime] = {}
    async with publishing_hints(settings):
        with worker_processes(options.latency_workers, env, data_dir):
            await asyncio.sleep(LATENCY_SPACING_SECONDS)  # let them reach their idle poll
            for _ in range(options.latency_orders):
                ids = await approved_order(people)
                at = datetime.now(UTC)  # the approval has committed: its tasks are READY
                waiting = await TaskDependency.filter(task_id__in=ids).values_list(
                    "task_id", flat=True
                )
                committed |= {task_id: at for task_id in set(ids) - set(cast(list[int], waiting))}
                await asyncio.sleep(LATENCY_SPACING_SECONDS)
            await until_done(list(committed))
    locked = await event_times(list(committed), "task.locked")
    return [(locked[i] - at).total_seconds() for i, at in committed.items()]


def setting_names(options: Options) -> list[str]:
    counts = options.worker_counts
    return [BASELINE, *(f"{n} worker process{'es' if n > 1 else ''}" for n in counts)]


async def run(options: Options) -> tuple[dict[str, Throughput], dict[str, list[float]]]:
    results = {name: Throughput() for name in setting_names(options)}
    waits: dict[str, list[float]] = {}
    async with throwaway_database("postgres") as url:
        await open_database(url)
        try:
            people = await install()
            with tempfile.TemporaryDirectory(prefix="bench-workers-") as directory:
                data_dir = Path(directory)
                for _ in range(options.rounds):
                    for name in setting_names(options):
                        sample = await measure(name, people, options, url, data_dir)
                        total = results[name]
                        total.tasks += sample.tasks
                        total.seconds += sample.seconds
                        total.cpu += sample.cpu
                        total.fetches += sample.fetches
                        total.empty_fetches += sample.empty_fetches
                for label, broadcast in (
                    ("polling only (memory://)", "memory://"),
                    ("hints over Redis", REDIS_URL),
                ):
                    waits[label] = await latencies(people, options, url, data_dir, broadcast)
        finally:
            await Tortoise.close_connections()
    return results, waits


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(options: Options, results: dict[str, Throughput], waits: dict[str, list[float]]) -> str:
    one = results[setting_names(options)[1]].per_second
    rows: list[list[str | int | None]] = [
        [
            name,
            sample.tasks,
            number(sample.per_second, 1),
            ratio(sample.per_second / one),
            ms(sample.cpu_per_task),
            number(sample.fetches_per_task, 2),
            number(100 * sample.empty_share) + "%",
        ]
        for name, sample in results.items()
    ]
    throughput = render(
        f"Automated tasks on PostgreSQL: {options.orders} orders of 10 tasks per measurement, "
        f"{options.rounds} rounds, concurrency {options.concurrency} per worker",
        [
            "workers",
            "tasks",
            "tasks/s",
            "vs 1 process",
            "worker CPU ms/task",
            "fetches/task",
            "empty fetches",
        ],
        rows,
    )
    latency_rows: list[list[str | int | None]] = [
        [
            label,
            len(values),
            ms(percentile(values, 0.5)),
            ms(percentile(values, 0.95)),
            ms(max(values) if values else None),
            ms(statistics.fmean(values) if values else None),
        ]
        for label, values in waits.items()
    ]
    latency = render(
        f"READY → locked: {options.latency_workers} idle worker process(es), "
        f"{options.latency_orders} orders approved {LATENCY_SPACING_SECONDS:g} s apart (ms)",
        ["wake-up", "tasks", "p50", "p95", "max", "mean"],
        latency_rows,
    )
    note = (
        "Worker CPU: the worker processes' (this process's for the in-process worker); "
        "PostgreSQL's own time is not counted. Fetches: the workers' fetch calls per task done, "
        "and the share of them that locked nothing."
    )
    return f"{throughput}\n{note}\n\n{latency}"


def parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    parser.add_argument("--orders", type=int, default=20, help="per measurement; 10 tasks each")
    parser.add_argument("--concurrency", type=int, default=8, help="slots per worker")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--latency-orders", type=int, default=LATENCY_ORDERS)
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to measure")
    parser.add_argument("--latency-workers", type=int, default=2)
    args = parser.parse_args(argv)
    counts = tuple(int(n) for n in args.workers.split(","))
    return Options(
        args.orders,
        args.concurrency,
        args.rounds,
        args.latency_orders,
        counts,
        args.latency_workers,
    )


if __name__ == "__main__":
    chosen = parse(sys.argv[1:])
    print(f"Machine: {describe()}\nBefore: {load_average()}", flush=True)
    measured, waited = runner.run(run(chosen))
    print(f"After: {load_average()}\n")
    print(report(chosen, measured, waited))
