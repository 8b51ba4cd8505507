"""The schedule's cost: `schedule()` and `jeopardy()` on an order's whole task DAG, in memory.

The plans are shaped like bench/catalog.yaml's: domain orders of 8 tasks (a fork and a join),
each child domain order's last task before its parent's first, about 1.3 edges a task; a quarter
of the tasks done, a few running. The baseline, measured in the same run on the same DAG, is
`planning.earliest_finish`, the bare longest-path pass over integer minutes that decomposition
already pays: the figures say what datetimes, actuals, the backward pass and jeopardy add.
Also timed: building the inputs from row tuples, as the service would from one SELECT.

Run: `.venv/bin/python -m bench.schedule` (no database, a few seconds, one core).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench.machine import describe
from bench.table import render
from services.orders.planning import earliest_finish
from services.schedule.jeopardy import jeopardy
from services.schedule.schedule import Progress, ScheduleTask, schedule

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SIZES = (40, 800, 5000)
Row = tuple[str, int, str, datetime | None, datetime | None]


def plan(size: int, seed: int = 14) -> tuple[list[Row], list[tuple[int, int]]]:
    """`size` tasks in domain orders of 8, as rows (number, minutes, state, started, ended)."""
    rng = random.Random(seed)
    dependencies: list[tuple[int, int]] = []
    firsts: list[int] = []
    lasts: list[int] = []
    for base in range(0, size, 8):
        own = list(range(base, min(base + 8, size)))
        for position, task in enumerate(own[1:], start=1):
            # A fork after the first task and a join before the last: 0 → 1..n-2 → n-1.
            if position < len(own) - 1:
                dependencies.append((task, own[0]))
            else:
                dependencies.extend((task, middle) for middle in own[1:-1])
        firsts.append(own[0])
        lasts.append(own[-1])
        if len(firsts) > 1:  # a tree: each domain order's parent is an earlier one
            parent = rng.randrange(len(firsts) - 1)
            dependencies.append((firsts[parent], lasts[-1]))
    durations = [rng.randint(5, 240) for _ in range(size)]
    finish = earliest_finish(durations, dependencies)
    start = NOW - timedelta(days=2)
    rows: list[Row] = []
    cutoff = sorted(finish)[size // 4] if size else 0
    for task, minutes in enumerate(durations):
        begun = start + timedelta(minutes=finish[task] - minutes)
        if finish[task] <= cutoff and begun + timedelta(minutes=minutes) <= NOW:
            rows.append(
                (f"TASK{task:07d}", minutes, "DONE", begun, begun + timedelta(minutes=minutes))
            )
        elif finish[task] - minutes <= cutoff and begun <= NOW and task % 7 == 0:
            rows.append((f"TASK{task:07d}", minutes, "RUNNING", begun, None))
        else:
            rows.append((f"TASK{task:07d}", minutes, "NOT_STARTED", None, None))
    return rows, dependencies


def samples(call: Callable[[], object], budget: float = 0.5) -> list[float]:
    """Seconds per call, repeated for `budget` seconds (at least 5 runs)."""
    taken: list[float] = []
    deadline = time.perf_counter() + budget
    while len(taken) < 5 or time.perf_counter() < deadline:
        began = time.perf_counter()
        call()
        taken.append(time.perf_counter() - began)
    return taken


def best_of(call: Callable[[], object]) -> float:
    """The fastest run: on a shared machine the median mostly measures the neighbours."""
    return min(samples(call))


def measure(size: int) -> list[str]:
    """One row of the table: the median of each step on a plan of `size` tasks."""
    rows, dependencies = plan(size)
    durations = [row[1] for row in rows]

    def build() -> list[ScheduleTask]:
        return [ScheduleTask(n, m, Progress[s], a, b) for n, m, s, a, b in rows]

    tasks = build()
    due = NOW + timedelta(days=5)
    planned = schedule(tasks, dependencies, now=NOW, due=due)
    baseline = best_of(lambda: earliest_finish(durations, dependencies))
    building = best_of(build)
    scheduling = best_of(lambda: schedule(tasks, dependencies, now=NOW, due=due))
    assessing = best_of(lambda: jeopardy(tasks, planned))
    total = building + scheduling + assessing

    def change() -> None:
        # What a change's transaction pays: rows to inputs, schedule, jeopardy.
        jeopardy(tasks, schedule(build(), dependencies, now=NOW, due=due))

    median = statistics.median(samples(change))
    return [
        f"{size:,}",
        f"{len(dependencies):,}",
        f"{baseline * 1e3:.3f}",
        f"{building * 1e3:.3f}",
        f"{scheduling * 1e3:.3f}",
        f"{assessing * 1e3:.3f}",
        f"{total * 1e3:.3f}",
        f"{total / baseline:.1f}x",
        f"{total / size * 1e6:.2f}",
        f"{median * 1e3:.3f}",
    ]


def main() -> None:
    table = [measure(size) for size in SIZES]
    print(describe())
    print(
        render(
            "Schedule and jeopardy of one order, in memory (ms per call, fastest run)",
            (
                "tasks",
                "edges",
                "earliest_finish",
                "rows→input",
                "schedule",
                "jeopardy",
                "total",
                "total/baseline",
                "µs/task",
                "total (median)",
            ),
            table,
        )
    )


if __name__ == "__main__":
    main()
