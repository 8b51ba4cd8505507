"""The jeopardy sweeper's cost when many orders' plans have slipped (services/schedule/sweeper.py).

    .venv/bin/python -m bench.sweeper [--db sqlite|postgres|both] [--orders 1000] [--slipped 600]

`--orders` open orders of one BENCH_PLAN line item (bench/catalog.yaml, 32 tasks) without a
requested date, approved through the services and nothing started: `--slipped` of them at t0,
the rest once those have passed their expected completion (so theirs is still to come). Timed,
each with the services' clock held still:
- a pass before anything is due (the work list is an index range: the same at any volume);
- the passes once the first group's expected completion has passed: each recomputes and
  rewrites the slipped orders, 500 a pass (BATCH), oldest first, and reads none of the others;
- a pass right after: nothing left to do (the slipped orders are due again only once their new
  expected completion passes, a whole plan's length later).
Printed per pass (with the plan's length: how long until a slipped order is due again): the
orders recomputed, the orders and tasks written (rows whose schedule
changed), the wall time, and the time per recomputed order.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from tortoise import Tortoise

from bench import runner
from bench.databases import BACKENDS, Backend, open_database, throwaway_database
from bench.machine import describe, load_average
from bench.plan_data import BenchPeople, install_bench_catalog, submit_order
from bench.table import render
from models import ServiceOrder
from services import clock
from services.orders import approve_service_order
from services.schedule.sweeper import BATCH, sweep_jeopardy


class StillClock:
    """The services' clock, moved only by the benchmark."""

    def __init__(self) -> None:
        self.at = clock.system_clock()

    def now(self) -> datetime:
        return self.at


async def approved(people: BenchPeople, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        order = await submit_order(people, "BENCH_PLAN", 1)
        ids.append((await approve_service_order(people.manager, order.id)).id)
    return ids


async def scheduled_at(ids: Sequence[int]) -> dict[int, datetime | None]:
    rows = await ServiceOrder.filter(id__in=list(ids)).values_list("id", "scheduled_at")
    return {int(i): at for i, at in rows}


async def timed_pass(label: str, ids: Sequence[int], tasks_per_order: int) -> list[str]:
    before = await scheduled_at(ids)
    began = time.perf_counter()
    await sweep_jeopardy()
    taken = time.perf_counter() - began
    after = await scheduled_at(ids)
    rewritten = sum(1 for i in ids if after[i] != before[i])
    per_order = f"{taken / rewritten * 1e3:.1f}" if rewritten else "-"
    return [
        label,
        f"{rewritten}",
        f"{rewritten * tasks_per_order}",
        f"{taken * 1e3:.0f}",
        per_order,
    ]


async def measure(backend: Backend, orders: int, slipped: int) -> list[list[str]]:
    still = StillClock()
    previous = clock.use_clock(still.now)
    rows: list[list[str]] = []
    try:
        async with throwaway_database(backend) as url:
            await open_database(url)
            people = await install_bench_catalog()
            first = await approved(people, slipped)
            sample = await ServiceOrder.get(id=first[0])
            assert sample.expected_completion_at is not None
            plan_length = sample.expected_completion_at - still.at
            tasks_per_order = await sample.tasks.all().count()  # type: ignore[attr-defined]
            all_ids = list(first)
            rows.append(await timed_pass("before anything is due", all_ids, tasks_per_order))
            # The first group's plans slip: its expected completion passes, nothing started.
            still.at += plan_length + timedelta(minutes=1)
            all_ids += await approved(people, orders - slipped)
            passes = 0
            while passes * BATCH < slipped:
                passes += 1
                rows.append(await timed_pass(f"slipped, pass {passes}", all_ids, tasks_per_order))
            rows.append(await timed_pass("right after", all_ids, tasks_per_order))
            await Tortoise.close_connections()
    finally:
        clock.use_clock(previous)
    volume = [f"{orders}", f"{slipped}", f"{plan_length / timedelta(hours=1):.1f}"]
    return [[backend, row[0], *volume, *row[1:]] for row in rows]


async def main(backends: Sequence[Backend], orders: int, slipped: int) -> str:
    table: list[list[str]] = []
    for backend in backends:
        table += await measure(backend, orders, slipped)
    return render(
        "The jeopardy sweeper when plans slip (orders of 32 tasks, nothing started)",
        (
            "database",
            "pass",
            "orders",
            "slipped",
            "plan h",
            "rewritten",
            "their tasks",
            "ms",
            "ms/order",
        ),
        table,
        left=2,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.sweeper", description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--slipped", type=int, default=600)
    args = parser.parse_args()
    if not 0 < args.slipped <= args.orders:
        parser.error("--slipped must be between 1 and --orders")
    chosen: tuple[Backend, ...] = BACKENDS if args.db == "both" else (args.db,)
    print(f"Machine: {describe()}\nBefore: {load_average()}", flush=True)
    print(runner.run(main(chosen, args.orders, args.slipped)))
    print(f"After: {load_average()}")
