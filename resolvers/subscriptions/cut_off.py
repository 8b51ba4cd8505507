"""Closing a subscriber's websocket when its feed closes, with a code that says why.

A client that stops reading blocks the operation that writes to it, so that operation never
reads its feed again to learn the feed was closed. The feed's close callback therefore acts
from outside: it cancels the operation (which frees its stream) and closes the socket. The
close frame reaches the client after whatever is already in the socket's buffers, if it ever
reads again; the server holds nothing more for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.websockets import WebSocket, WebSocketDisconnect

from resolvers.context import Context
from services.events.feed import FeedClosed
from services.events.stream import EventStream

log = logging.getLogger(__name__)

# Standard codes that graphql-ws clients retry on their own; with `after:` set to the last
# cursor they received, they lose nothing.
SLOW_SUBSCRIBER = 1013  # Try Again Later
SERVER_RESTART = 1012  # Service Restart
_MAX_REASON_BYTES = 123  # what a close frame has room for

_cutting_off: set[asyncio.Task[None]] = set()


def cut_off_when_closed(stream: EventStream, context: Context) -> None:
    """Cut the subscription (and its socket) off as soon as `stream`'s feed closes."""
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
