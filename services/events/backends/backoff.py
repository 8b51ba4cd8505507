"""Reconnect delays: grow on each failure, with jitter, reset once a connection works."""

from __future__ import annotations

import random


class Backoff:
    """Exponential backoff with full jitter.

    Jitter keeps a fleet of server processes from reconnecting to a restarted broker in step.
    """

    def __init__(self, *, initial: float = 0.1, maximum: float = 5.0, factor: float = 2.0) -> None:
        self._initial = initial
        self._maximum = maximum
        self._factor = factor
        self._attempt = 0

    def next_delay(self) -> float:
        ceiling = min(self._maximum, self._initial * self._factor**self._attempt)
        self._attempt += 1
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self._attempt = 0
