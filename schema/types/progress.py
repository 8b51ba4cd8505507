"""How far fulfillment has come, from the counters the services keep on every level."""

from __future__ import annotations

import strawberry

from models.orders import ProgressCounters


@strawberry.type(
    description="Done (completed or skipped) tasks out of the tasks not cancelled, beneath "
    "this order, line item or domain order."
)
class Progress:
    total_tasks: int
    completed_tasks: int
    percent: float = strawberry.field(description="0 to 100, one decimal; 0 with no tasks.")

    @classmethod
    def of(cls, counters: ProgressCounters) -> Progress:
        return cls.counting(counters.tasks_total, counters.tasks_done)

    @classmethod
    def counting(cls, total: int, done: int) -> Progress:
        percent = round(100 * done / total, 1) if total else 0.0
        return cls(total_tasks=total, completed_tasks=done, percent=percent)
