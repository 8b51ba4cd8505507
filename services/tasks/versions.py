"""Optimistic concurrency on top of the order lock: a caller may say which version it saw."""

from __future__ import annotations

from services.errors import ConflictError


def check_version(current: int, expected: int | None, *, what: str) -> None:
    """Refuse to act on a newer version than the one the caller based its decision on."""
    if expected is not None and expected != current:
        raise ConflictError(
            f"The {what} has changed (version {current}, you saw {expected}); reload it.",
            field="expectedVersion",
        )
