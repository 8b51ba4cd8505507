"""How GraphQL executes here: what is an awaitable, and subscription events rendered once.

Tortoise model instances define `__await__` (so that `await Model.create(...)`-style chains
work), so graphql-core, which asks `hasattr(value, "__await__")`, took every object a resolver
returned for an awaitable: each row of a list became a coroutine awaited in a task of its own,
gathered, before its fields were even read. A model instance is a finished value: this
executor says so, and a plan of 800 tasks completes without 800 tasks.

A subscription event is executed in the event's own context, and once for all the local
subscribers that would get the same answer (resolvers/subscriptions/fanout.py).
"""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from resolvers.subscriptions.fanout import SharedDeliveries
from schema.internals import StrawberryExecutor

# What most values are; asked first, this answers most calls with one set lookup.
_PLAIN = frozenset({type(None), bool, int, float, str, bytes, list, tuple, dict, set, frozenset})


def is_awaitable(value: Any) -> bool:
    # Coroutines, futures and tasks all have `__await__` (generator-based coroutines, which
    # graphql-core also looks for, are gone from Python 3.11).
    return (
        type(value) not in _PLAIN and not isinstance(value, Model) and hasattr(value, "__await__")
    )


class ModelAwareExecutionContext(SharedDeliveries, StrawberryExecutor):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core's `Executor.is_awaitable` (public): Strawberry passes its own to
        # `execute`, so it is set after the constructor rather than passed to it.
        self.is_awaitable = is_awaitable  # type: ignore[assignment]
