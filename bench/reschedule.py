"""The schedule's cost inside a transaction: `reschedule()` on an 800-task order, in a database.

    .venv/bin/python -m bench.reschedule [--db sqlite|postgres|both] [--samples 30]

An 800-task order (25 line items of BENCH_PLAN, bench/catalog.yaml) with a requested
completion date, approved, a quarter of its first READY tasks worked. Timed, each in a unit of
work of its own with the order locked, as a change's transaction runs it:
- `reschedule` when nothing moved (the clock held still): the reads (tasks, edges) and the pure
  passes, no write;
- `reschedule` a minute later: every task whose start waits for the clock moves, so it writes
  them (one statement, services/schedule/storage.py);
- completeTask through the service on a task of the order (the whole transaction: lock,
  checks, dependents released, rollup, schedule), and the same rollup without the schedule
  (`reschedule` replaced by a no-op) as the baseline.
On PostgreSQL the task table is set up as migration 0009 leaves it (fillfactor 70, so that
rewritten planned dates are updated in place: bench/databases.py). Printed: p50 and p95 in
milliseconds. The pure passes alone are `python -m bench.schedule`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from tortoise import Tortoise

from bench import runner
from bench.databases import BACKENDS, Backend, open_database, throwaway_database
from bench.machine import describe, load_average
from bench.plan_data import BenchPeople, install_bench_catalog
from bench.table import render
from models import ServiceOrder, Task
from models.enums import TaskState
from services import clock, rollup
from services.locking import lock_order
from services.orders import LineItemInput, SubmitOrderInput, approve_service_order
from services.orders import submit_service_order as submit
from services.schedule.reschedule import reschedule
from services.tasks import complete_task, start_task
from services.unit_of_work import unit_of_work


class StepClock:
    """The services' clock, moved by the benchmark (a minute per step where it says so)."""

    def __init__(self) -> None:
        self.at = clock.system_clock()

    def now(self) -> datetime:
        return self.at


async def big_order(people: BenchPeople, now: datetime) -> ServiceOrder:
    order = await submit(
        people.partner,
        SubmitOrderInput(
            customer="Bench Customer",
            line_items=[LineItemInput("BENCH_PLAN") for _ in range(25)],
            requested_completion_date=now + timedelta(days=30),
        ),
    )
    return await approve_service_order(people.manager, order.id)


async def timed(call: Callable[[], Awaitable[object]], samples: int) -> list[float]:
    taken = []
    for _ in range(samples):
        began = time.perf_counter()
        await call()
        taken.append(time.perf_counter() - began)
    return taken


async def measure(backend: Backend, samples: int) -> list[list[str]]:
    steps = StepClock()
    previous = clock.use_clock(steps.now)
    try:
        async with throwaway_database(backend) as url:
            await open_database(url)
            people = await install_bench_catalog()
            order = await big_order(people, steps.at)
            tasks = await Task.filter(service_order_id=order.id).count()

            async def still() -> None:
                async with unit_of_work(None) as uow:
                    await reschedule(uow, await lock_order(order.id))

            async def a_minute_later() -> None:
                steps.at += timedelta(minutes=1)
                await still()

            async def complete_one() -> None:
                task = await Task.filter(service_order_id=order.id, state=TaskState.READY).first()
                assert task is not None
                await start_task(people.agent, task.id)
                steps.at += timedelta(minutes=1)
                began = time.perf_counter()
                await complete_task(people.agent, task.id)
                completions.append(time.perf_counter() - began)

            await still()
            rows = [
                ("reschedule, nothing moved", await timed(still, samples)),
                ("reschedule, a minute later (writes)", await timed(a_minute_later, samples)),
            ]
            completions: list[float] = []
            await timed(complete_one, samples)
            rows.append(("completeTask (service), with the schedule", completions))
            completions = []
            # The rollup without its last step, the schedule: what a change cost before it.
            names = vars(rollup)
            original = names["reschedule"]

            async def skip(uow: object, order: object) -> None:
                return None

            names["reschedule"] = skip
            try:
                await timed(complete_one, samples)
            finally:
                names["reschedule"] = original
            rows.append(("completeTask (service), without it", completions))
            await Tortoise.close_connections()
    finally:
        clock.use_clock(previous)
    return [
        [backend, f"{tasks}", name, f"{_p(taken, 50):.1f}", f"{_p(taken, 95):.1f}"]
        for name, taken in rows
    ]


def _p(values: Sequence[float], q: int) -> float:
    ordered = sorted(values)
    if q == 50:
        return statistics.median(ordered) * 1e3
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] * 1e3


async def main(backends: Sequence[Backend], samples: int) -> str:
    table: list[list[str]] = []
    for backend in backends:
        table += await measure(backend, samples)
    return render(
        "The schedule in a transaction, 800-task order (ms)",
        ("database", "tasks", "what", "p50", "p95"),
        table,
        left=3,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.reschedule", description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    chosen: tuple[Backend, ...] = BACKENDS if args.db == "both" else (args.db,)
    print(f"Machine: {describe()}\nBefore: {load_average()}", flush=True)
    print(runner.run(main(chosen, args.samples)))
    print(f"After: {load_average()}")
