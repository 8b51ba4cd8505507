"""Live fan-out: one change delivered to every local subscriber, read and rendered once.

The problem. The relay hands each event to every subscriber of this process at once. Read and
executed separately, a change watched by a thousand dashboards was read a thousand times and
rendered a thousand times. And a websocket's `Context` lives as long as the socket, so its
loaders cannot be the ones an event is read through: they would show the rows as they were at
the socket's first event.

The interface.
- `live_events(context, wanted, after, load_entity)`: a subscription's source stream, the
  `LiveEvent`s its reader may see (replayed from `after`, then live). Each carries the event,
  its entity as it is now, and the `context` its delivery runs in: the subscriber's, reading
  through the loaders that all the event's subscribers in this process share (one database
  read for all of them). The socket's own `Context` is never changed.
- `SharedDeliveries`: the executor side, mixed into the schema's executor (schema/execution.py)
  through graphql-core's public hooks. `build_per_event_executor` gives each event's execution
  the event's context; `execute_operation` renders an event once for all its subscribers in
  this process whose operation, variables and view (services/policy.py, `view_key`) are the
  same, and hands each the same result.
- A subscriber whose feed closes (it is too slow, or the server is going away) has its
  operation cancelled and its websocket closed with a code that says why (`SLOW_SUBSCRIBER`,
  `SERVER_RESTART`).

Rejected: rewriting `context.loaders` of the socket's `Context` for each event (what this
replaced). The context is shared by every operation on the socket, so two subscriptions on one
socket, or a query sent over it, read through whichever event was delivered last; and what
loaders a resolver saw depended on the order of deliveries, not on the event it renders. A
context variable would avoid the sharing but not the action at a distance: the context of a
delivery is a value the event carries, visible where it is made and where it is used.

Shares are kept for the most recent events only: a subscriber far behind the others makes a
new one, reading the rows again, which is correct (they show the state after the change, and
after any later one, as every delivery does).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections import OrderedDict
from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from graphql import Executor, OperationType
from starlette.websockets import WebSocket, WebSocketDisconnect
from tortoise.models import Model

from models import Event
from resolvers.context import Context
from resolvers.errors import invalid_argument
from resolvers.loaders import Loaders
from services.errors import DomainError
from services.events.cursor import decode_cursor
from services.events.feed import FeedClosed
from services.events.filters import EventFilter
from services.events.runtime import current_relay
from services.events.stream import EventStream, event_stream
from services.observability.metrics import DELIVERIES, SUBSCRIPTIONS_ACTIVE
from services.policy import view_key

log = logging.getLogger(__name__)

EntityLoader = Callable[[Context, Event], Awaitable[Model | None]]

# Events whose shares are kept. A burst of changes delivered to many subscribers keeps its
# shares while they fan out; older ones go first.
MAX_SHARED_EVENTS = 256

# Standard codes that graphql-ws clients retry on their own; with `after:` set to the last
# cursor they received, they lose nothing.
SLOW_SUBSCRIBER = 1013  # Try Again Later
SERVER_RESTART = 1012  # Service Restart
_MAX_REASON_BYTES = 123  # what a close frame has room for


@dataclass(frozen=True)
class LiveEvent:
    event: Event
    # The object that changed (for serviceOrderChanged: the order it belongs to), as it is now.
    entity: Model
    # What this event's other subscribers in this process share with this one.
    share: EventShare
    # The subscriber's context, reading through the share's loaders: what its delivery runs in.
    context: Context


async def live_events(
    context: Context, wanted: EventFilter, after: str | None, load_entity: EntityLoader
) -> AsyncGenerator[LiveEvent, None]:
    try:
        after_id = None if after is None else decode_cursor(after, field="after")
        stream = event_stream(current_relay(), context.actor, wanted, after=after_id)
    except DomainError as error:
        raise invalid_argument(error) from error
    _cut_off_when_closed(stream, context)
    SUBSCRIPTIONS_ACTIVE.inc()
    try:
        async for event in stream:
            share = _share_of(event)
            reading = context.reading_through(share.loaders)
            entity = await load_entity(reading, event)
            if entity is not None:
                DELIVERIES.inc()
                yield LiveEvent(event, entity, share, reading)
    except FeedClosed:
        return  # the socket is being closed with the reason (_cut_off)
    except DomainError as error:  # the stream's own check of its cursor
        raise invalid_argument(error) from error
    finally:
        SUBSCRIPTIONS_ACTIVE.dec()
        await stream.aclose()


class SharedDeliveries(Executor[Any]):
    """Each event of a subscription executed in the event's context, and once for all the
    subscribers of this process that would get the same answer. Both methods are graphql-core's
    documented hooks for one subscription event (`map_source_to_response_event` builds a
    per-event executor and executes its operation); tests/schema/test_internals.py holds
    graphql-core to that."""

    rendering_key: Hashable | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Worked out once per subscription: the per-event executors are copies of this one.
        subscribes = self.operation.operation is OperationType.SUBSCRIPTION
        self.rendering_key = _rendering_key(self) if subscribes else None

    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        executor = super().build_per_event_executor(payload)
        if isinstance(payload, LiveEvent):
            executor.context_value = payload.context
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        event = self.root_value
        if self.rendering_key is None or not isinstance(event, LiveEvent):
            return super().execute_operation(serially)
        own = super().execute_operation
        return event.share.rendering(self.rendering_key, self.operation, lambda: own(serially))


def _rendering_key(executor: Executor[Any]) -> Hashable | None:
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


class EventShare:
    """What the local subscribers of one event share: its loaders, and its renderings."""

    def __init__(self) -> None:
        self.loaders = Loaders()
        # A rendering's key holds objects (the parsed operation) by identity: each entry
        # keeps them referenced, so that their ids cannot be reused while it lives.
        self._renderings: dict[Hashable, tuple[object, Any]] = {}

    def rendering(self, key: Hashable, keep: object, render: Callable[[], Any]) -> Any:
        """The rendering for `key` (a value, or an awaitable of one): the first caller
        renders it, the others get the same."""
        found = self._renderings.get(key)
        if found is not None and found[0] is keep:
            outcome = found[1]
        else:
            outcome = render()
            if inspect.isawaitable(outcome):
                outcome = _Rendering.of(outcome)
            self._renderings[key] = (keep, outcome)
        if not isinstance(outcome, _Rendering):
            return outcome
        if outcome.done() and not outcome.cancelled() and outcome.exception() is None:
            return outcome.result()
        return outcome


class _Rendering(asyncio.Future[Any]):
    """A rendering many subscribers wait for. It runs in a task of its own, and waiting for it
    cannot cancel it: a subscriber that leaves (its task cancelled while it waits) must not
    take the rendering away from the others; it gets its cancellation once the rendering is
    done. Cheaper than a shield per subscriber: a thousand of them wait for each change."""

    @classmethod
    def of(cls, rendering: Awaitable[Any]) -> _Rendering:
        shared = cls()
        task = asyncio.ensure_future(rendering)
        task.add_done_callback(shared._settle)
        return shared

    def _settle(self, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            super().cancel()
        elif task.exception() is not None:
            self.set_exception(task.exception())  # type: ignore[arg-type]
        else:
            self.set_result(task.result())

    def cancel(self, msg: Any | None = None) -> bool:
        return False


# Keyed by id and time together: an id alone is reused when a database is emptied and its
# sequences restarted (every test does), and a share of the old event would answer for the new.
_shares: OrderedDict[tuple[int, datetime], EventShare] = OrderedDict()


def _share_of(event: Event) -> EventShare:
    key = (event.id, event.occurred_at)
    share = _shares.get(key)
    if share is None:
        share = _shares[key] = EventShare()
        while len(_shares) > MAX_SHARED_EVENTS:
            _shares.popitem(last=False)
    return share


# A client that stops reading blocks the operation that writes to it, so that operation never
# reads its feed again to learn the feed was closed. The feed's close callback therefore acts
# from outside: it cancels the operation (which frees its stream) and closes the socket. The
# close frame reaches the client after whatever is already in the socket's buffers, if it ever
# reads again; the server holds nothing more for it.
_cutting_off: set[asyncio.Task[None]] = set()


def _cut_off_when_closed(stream: EventStream, context: Context) -> None:
    operation = asyncio.current_task()
    websocket = context.request if isinstance(context.request, WebSocket) else None

    def closed(reason: FeedClosed) -> None:
        task = asyncio.get_running_loop().create_task(_cut_off(operation, websocket, reason))
        _cutting_off.add(task)
        task.add_done_callback(_cutting_off.discard)

    stream.on_close(closed)


async def _cut_off(
    operation: asyncio.Task[object] | None, websocket: WebSocket | None, reason: FeedClosed
) -> None:
    if operation is not None:
        operation.cancel()
    if websocket is None:
        return
    code = SLOW_SUBSCRIBER if reason.slow else SERVER_RESTART
    if reason.slow:
        log.warning("closing a subscriber's websocket: %s", reason.reason)
    text = reason.reason.encode()[:_MAX_REASON_BYTES].decode(errors="ignore")
    # The socket may be gone already (the client left, or another operation closed it).
    with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
        await websocket.close(code=code, reason=text)
