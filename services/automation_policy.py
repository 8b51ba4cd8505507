"""The retry policy of an automated task: how often it is tried, how long a worker may hold it,
and how long it waits between attempts.

A pure value, shared by the catalog (which checks and stores it on the template) and the
services (which copy it onto each task at planning and apply it when a worker fails). It lives
beside services/automation/ rather than in it: planning imports it, and importing the package
would load the worker operations, which import planning back through the rollup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from services.limits import MAX_LOCK_SECONDS

# Upper bounds a catalog may set: beyond them a policy is a typo, not a decision.
MAX_ATTEMPTS_BOUND = 100
MAX_BACKOFF_SECONDS = 24 * 3600
MAX_BACKOFF_CAP_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class RetryPolicy:
    """`max_attempts` tries in all; after the n-th failed attempt the task waits
    min(`backoff_max_seconds`, `backoff_seconds` * 2^(n-1)) before it may be fetched again;
    a worker holds a lock for at most `lock_seconds` at a time (it may extend it)."""

    max_attempts: int = 3
    backoff_seconds: int = 30
    backoff_max_seconds: int = 600
    lock_seconds: int = 300

    def delay_after(self, attempts: int) -> timedelta:
        """The wait before the next attempt, once `attempts` (≥ 1) have failed."""
        exponent = max(attempts - 1, 0)
        # Capped before the power can grow large: 2^64 seconds is no wait anyone means.
        if exponent >= 32:
            return timedelta(seconds=self.backoff_max_seconds)
        return timedelta(seconds=min(self.backoff_max_seconds, self.backoff_seconds * 2**exponent))

    def problems(self) -> list[str]:
        """Why the policy is refused (empty: it is sound)."""
        found: list[str] = []
        bounds = (
            ("max_attempts", self.max_attempts, MAX_ATTEMPTS_BOUND),
            ("backoff_seconds", self.backoff_seconds, MAX_BACKOFF_SECONDS),
            ("backoff_max_seconds", self.backoff_max_seconds, MAX_BACKOFF_CAP_SECONDS),
            ("lock_seconds", self.lock_seconds, MAX_LOCK_SECONDS),
        )
        for name, value, bound in bounds:
            if not 1 <= value <= bound:
                found.append(f"{name} must be between 1 and {bound} (got {value})")
        if self.backoff_max_seconds < self.backoff_seconds:
            found.append(
                f"backoff_max_seconds ({self.backoff_max_seconds}) is below backoff_seconds "
                f"({self.backoff_seconds}): the cap must allow the first delay"
            )
        return found


DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class Automation:
    """What makes a template (and the tasks planned from it) automated."""

    handler: str
    policy: RetryPolicy = DEFAULT_POLICY

    def task_columns(self) -> dict[str, Any]:
        """The columns a task planned from such a template starts with."""
        return {
            "kind": "AUTOMATED",
            "handler": self.handler,
            "max_attempts": self.policy.max_attempts,
            "backoff_seconds": self.policy.backoff_seconds,
            "backoff_max_seconds": self.policy.backoff_max_seconds,
            "lock_seconds": self.policy.lock_seconds,
        }


def task_columns(automation: Automation | None) -> dict[str, Any]:
    """The automation columns of a new task: none for a manual one (the model's defaults)."""
    return {} if automation is None else automation.task_columns()
