"""Each operation on a websocket checks its credentials again before it runs: the token of
connection_init not expired, the user still active, and its roles read again (an operation
runs with the roles the user has now). Refused: one UNAUTHENTICATED error, nothing runs.

HTTP needs none of this: every request authenticates afresh. Why sockets are also closed:
schema/sockets.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from resolvers.context import Context
from resolvers.errors import unauthenticated
from services.auth import NOT_ACTIVE, active_users


class RecheckSocketCredentials(SchemaExtension):
    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if (
            isinstance(context, Context)
            and isinstance(context.request, WebSocket)
            and context.user is not None
        ):
            refusal = await refusal_of(context)
            if refusal is not None:
                self.execution_context.pre_execution_errors = [unauthenticated(refusal)]
        yield


async def refusal_of(context: Context) -> str | None:
    """Why the socket's credentials no longer hold (None: they do, and the user is fresh)."""
    assert context.user is not None
    expires_at = context.credentials_expire_at
    if expires_at is not None and expires_at <= datetime.now(UTC):
        return "The token has expired."
    fresh = (await active_users([context.user.id])).get(context.user.id)
    if fresh is None:
        return NOT_ACTIVE
    context.user = fresh
    return None
