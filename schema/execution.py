"""How GraphQL executes here: what is an awaitable, and subscription events rendered once.

Tortoise model instances define `__await__` (so that `await Model.create(...)`-style chains
work), so graphql-core, which asks `hasattr(value, "__await__")`, took every object a resolver
returned for an awaitable: each row of a list became a coroutine awaited in a task of its own,
gathered, before its fields were even read. A model instance is a finished value: this
execution context says so, and a plan of 800 tasks completes without 800 tasks.

A change that many subscribers of this process watch is rendered once for all of those whose
operation, variables and view are the same (resolvers/subscriptions/shared.py).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import orjson
from graphql import OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from tortoise.models import Model

from resolvers.context import Context
from resolvers.subscriptions.live import LiveEvent
from services.policy import view_key

# What most values are; asked first, this answers most calls with one set lookup.
_PLAIN = frozenset({type(None), bool, int, float, str, bytes, list, tuple, dict, set, frozenset})


def is_awaitable(value: Any) -> bool:
    # Coroutines, futures and tasks all have `__await__` (generator-based coroutines, which
    # graphql-core also looks for, are gone from Python 3.11).
    return (
        type(value) not in _PLAIN and not isinstance(value, Model) and hasattr(value, "__await__")
    )


class ModelAwareExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = is_awaitable  # type: ignore[assignment]
        # Worked out once per subscription: its executor is copied for each of its events.
        subscribes = self.operation.operation is OperationType.SUBSCRIPTION
        self.rendering_key = rendering_key(self) if subscribes else None

    def execute_operation(self, serially: bool | None = None) -> Any:
        """For a subscription event: one rendering for all the event's subscribers in this
        process whose operation, variables and view are the same (they would each get the
        same answer); else a rendering of its own."""
        event = self.root_value
        if self.rendering_key is None or not isinstance(event, LiveEvent):
            return super().execute_operation(serially)
        own = super().execute_operation
        return event.share.rendering(self.rendering_key, self.operation, lambda: own(serially))


def rendering_key(executor: StrawberryGraphQLCoreExecutionContext) -> Hashable | None:
    """What a subscription event's rendering depends on besides the event: the operation, its
    variables, and what the reader may see and do. None if that cannot be told."""
    context = executor.context_value
    if not isinstance(context, Context) or context.user is None:
        return None
    try:
        variables = orjson.dumps(executor.variable_values.coerced, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    return (id(executor.operation), variables, view_key(context.user))
