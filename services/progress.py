"""How far fulfillment has come: done (completed or skipped) tasks out of the tasks not
cancelled (DESIGN: Progress), from the counters the rollup keeps on every order, line item and
domain order (services/rollup.py). The API shows it as it is (schema/types/progress.py)."""

from __future__ import annotations

from dataclasses import dataclass

from models.domain_orders import DomainOrder
from models.orders import ProgressCounters


@dataclass(frozen=True, slots=True)
class TaskProgress:
    total_tasks: int
    completed_tasks: int
    percent: float


def progress_of(counters: ProgressCounters) -> TaskProgress:
    """Everything beneath an order, a line item or a domain order (its whole subtree)."""
    return _progress(counters.tasks_done, counters.tasks_total)


def own_progress_of(domain_order: DomainOrder) -> TaskProgress:
    """A domain order's own tasks, without its descendants'."""
    return _progress(domain_order.own_tasks_done, domain_order.own_tasks_total)


def _progress(done: int, total: int) -> TaskProgress:
    return TaskProgress(total_tasks=total, completed_tasks=done, percent=percent_done(done, total))


def percent_done(done: int, total: int) -> float:
    """0 to 100, rounded to one decimal; 0 with no tasks."""
    return round(100 * done / total, 1) if total else 0.0
