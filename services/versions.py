"""Optimistic concurrency on top of the order lock: a caller may say which version of an order,
task or fallout it based its decision on, and is refused when the object has moved on."""

from __future__ import annotations

from typing import Protocol

from services.errors import ConflictError


class Versioned(Protocol):
    number: str
    version: int


def check_version(target: Versioned, expected: int | None, *, what: str) -> None:
    """CONFLICT unless `target` is still at the `expected` version (None: the caller did not
    say). `what` names it in the message, e.g. "Task"."""
    if expected is not None and expected != target.version:
        raise ConflictError(
            f"{what} {target.number} has changed since you read it (version {target.version}, "
            f"not {expected}); reload it and try again.",
            field="expectedVersion",
        )
