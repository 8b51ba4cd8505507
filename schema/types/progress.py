"""How far fulfillment has come, as services/progress.py works it out."""

from __future__ import annotations

import strawberry


@strawberry.type(
    description="Done (completed or skipped) tasks out of the tasks not cancelled, beneath "
    "this order, line item or domain order."
)
class Progress:
    total_tasks: int
    completed_tasks: int
    percent: float = strawberry.field(description="0 to 100, one decimal; 0 with no tasks.")
