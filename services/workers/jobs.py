"""What a handler is given and what it answers.

A handler is an async function `Job -> Outcome`. It does not talk to the service: the worker
loop (loop.py) answers for it with the service calls, so that a handler is a plain function
that tests call without a database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# What a handler may return as a task's output: any JSON value (bounded by the service).
JsonValue = Any


@dataclass(frozen=True)
class Job:
    """One locked task, as a handler sees it.

    `context` is the JSON document the task's handler works from (the http handler POSTs it
    as it is): the task, its order, the line item's characteristics, the sold product for a
    MODIFY or DELETE, and the outputs of the tasks it depends on
    (services/automation/context.py).
    """

    task_id: int
    number: str
    topic: str
    attempt: int
    lock_seconds: float
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def characteristics(self) -> Mapping[str, Any]:
        """The line item's characteristics, with a manager's corrected input (RETRY_TASK with
        an input object) over them."""
        value = self.context.get("lineItem", {}).get("characteristics")
        corrected = self.context.get("task", {}).get("input")
        return {
            **(value if isinstance(value, Mapping) else {}),
            **(corrected if isinstance(corrected, Mapping) else {}),
        }


@dataclass(frozen=True)
class Completed:
    output: JsonValue = None


@dataclass(frozen=True)
class Failed:
    """`error` says why, for the task's last error and a fallout's description; `error_type`
    names the fallout type when the failure becomes one (None: the service's default)."""

    error: str
    retryable: bool
    error_type: str | None = None


Outcome = Completed | Failed
Handler = Callable[[Job], Awaitable[Outcome]]
