"""How far fulfillment has come: done (completed or skipped) tasks out of the tasks not
cancelled (DESIGN: Progress), from the counters the rollup keeps on every order, line item and
domain order (services/rollup.py). The API shows it as it is (schema/types/progress.py)."""

from __future__ import annotations

from dataclasses import dataclass

from models.orders import ProgressCounters


@dataclass(frozen=True, slots=True)
class TaskProgress:
    total_tasks: int
    completed_tasks: int
    percent: float


def progress_of(counters: ProgressCounters) -> TaskProgress:
    done, total = counters.tasks_done, counters.tasks_total
    return TaskProgress(total_tasks=total, completed_tasks=done, percent=percent_done(done, total))


def percent_done(done: int, total: int) -> float:
    """0 to 100, rounded to one decimal; 0 with no tasks."""
    return round(100 * done / total, 1) if total else 0.0
