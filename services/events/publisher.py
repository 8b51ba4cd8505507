"""Where committed events go after the unit of work commits.

The publisher only *hints* that new events exist; the relay reads the events themselves from
the database, so a lost hint delays delivery until the next catch-up and loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from models import Event


class EventPublisher(Protocol):
    async def publish(self, events: Sequence[Event]) -> None: ...


class NullPublisher:
    async def publish(self, events: Sequence[Event]) -> None:
        return None


class RecordingPublisher:
    """Keeps what it was handed; for tests and for in-process observers."""

    def __init__(self) -> None:
        self.published: list[Event] = []

    async def publish(self, events: Sequence[Event]) -> None:
        self.published.extend(events)


_publisher: EventPublisher = NullPublisher()


def set_publisher(publisher: EventPublisher) -> EventPublisher:
    """Install `publisher` and return the one it replaces."""
    global _publisher
    previous, _publisher = _publisher, publisher
    return previous


def get_publisher() -> EventPublisher:
    return _publisher
