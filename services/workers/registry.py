"""Handlers by topic: the worker fetches the topics its registry holds, and runs each task with
its topic's handler."""

from __future__ import annotations

from collections.abc import Iterable

from services.workers.jobs import Handler


class UnknownTopicError(ValueError):
    pass


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, topic: str, handler: Handler, *, replace: bool = False) -> None:
        """A second handler for a topic is refused unless `replace` (a configured http route
        takes a demo handler's place)."""
        if not topic or topic != topic.strip():
            raise ValueError(f"A topic must be a non-blank name without spaces around: {topic!r}")
        if topic in self._handlers and not replace:
            raise ValueError(f"Topic {topic!r} already has a handler.")
        self._handlers[topic] = handler

    def handler(self, topic: str) -> Handler:
        try:
            return self._handlers[topic]
        except KeyError:
            raise UnknownTopicError(f"No handler for topic {topic!r}.") from None

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(sorted(self._handlers))

    def only(self, topics: Iterable[str]) -> Registry:
        """The same handlers for `topics` only (`server.py worker --handlers`); a topic without
        a handler is refused rather than silently never fetched."""
        subset = Registry()
        for topic in topics:
            subset.register(topic, self.handler(topic))
        return subset

    def __len__(self) -> int:
        return len(self._handlers)
