"""Open websockets do not outlive their credentials.

A socket authenticates once, in connection_init, and may stay open for hours. So:
- each operation on it checks the credentials again before it runs (the token not expired,
  the user still active, its roles as they are now: schema/extensions/live_credentials.py);
- this watch closes a socket with 4403 (graphql-transport-ws' "Forbidden", the code a bad
  token gets at connection_init) when its token's `exp` passes, and, every
  WS_CREDENTIALS_CHECK_SECONDS, when its user has been deactivated or its roles changed; the
  socket's subscriptions end with it, so deliveries stop. A client reconnects with a fresh
  token (and then gets what its roles now allow).

One task per process reads the users of all open sockets in one query per check (user changes
have no event of their own to listen to); it runs only while sockets are open.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.websockets import WebSocket, WebSocketState

from resolvers.context import Context
from services.auth import active_users

logger = logging.getLogger("fulfillment.sockets")

FORBIDDEN = 4403
EXPIRED = "Forbidden: the token has expired"
REVOKED = "Forbidden: the user is no longer active, or its roles changed"


@dataclass(eq=False)
class Watched:
    websocket: WebSocket
    user_id: int
    roles: frozenset[str]
    expires_at: datetime | None

    @property
    def open(self) -> bool:
        return (
            self.websocket.application_state is WebSocketState.CONNECTED
            and self.websocket.client_state is WebSocketState.CONNECTED
        )


@dataclass
class SocketWatch:
    interval_seconds: float
    sockets: set[Watched] = field(default_factory=set)
    _task: asyncio.Task[None] | None = None

    def watch(self, context: Context) -> None:
        """Watch the socket of an authenticated graphql-transport-ws `context`."""
        if not isinstance(context.response, WebSocket) or context.user is None:
            return
        roles = frozenset(context.user.roles)
        self.sockets.add(
            Watched(context.response, context.user.id, roles, context.credentials_expire_at)
        )
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="socket credentials")

    async def _run(self) -> None:
        while self.sockets:
            try:
                await self.check(datetime.now(UTC))
            except Exception:  # the database away for a moment: check again next time
                logger.exception("Checking open sockets' credentials failed")
            await asyncio.sleep(self._next_wait(datetime.now(UTC)))

    def _next_wait(self, now: datetime) -> float:
        expiries = [w.expires_at for w in self.sockets if w.expires_at is not None]
        soonest = min(expiries, default=None)
        if soonest is None:
            return self.interval_seconds
        return max(0.0, min(self.interval_seconds, (soonest - now).total_seconds()))

    async def check(self, now: datetime) -> None:
        """Forget closed sockets; close those whose token expired or whose user changed."""
        self.sockets = {watched for watched in self.sockets if watched.open}
        expired = {w for w in self.sockets if w.expires_at is not None and w.expires_at <= now}
        await self._close(expired, EXPIRED)
        users = await active_users({watched.user_id for watched in self.sockets})
        revoked = {
            watched
            for watched in self.sockets
            if watched.user_id not in users
            or frozenset(users[watched.user_id].roles) != watched.roles
        }
        await self._close(revoked, REVOKED)

    async def _close(self, watched: set[Watched], reason: str) -> None:
        for socket in watched:
            self.sockets.discard(socket)
            if socket.open:
                await socket.websocket.close(code=FORBIDDEN, reason=reason)
