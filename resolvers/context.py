"""The per-request context every resolver receives (`strawberry.Info[Context, None]`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from models import User
from resolvers.errors import unauthenticated
from resolvers.loaders import Loaders
from services.settings import Settings


@dataclass
class Context:
    settings: Settings
    user: User | None = None
    # Why the request has no user, when it sent credentials that did not hold up.
    auth_error: str | None = None
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    # The graphql-transport-ws `connection_init` payload; strawberry sets it on websockets.
    connection_params: dict[str, object] | None = None
    # Websockets: when the token of connection_init expires (schema/sockets.py closes the
    # socket then; each operation on it checks it first).
    credentials_expire_at: datetime | None = None
    # Made on first use: a subscription event is delivered in a context of its own, reading
    # through loaders the event's subscribers share (`reading_through`), and a thousand idle
    # sockets need none of their own.
    _loaders: Loaders | None = field(default=None, repr=False)

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = Loaders()
        return self._loaders

    def reading_through(self, loaders: Loaders) -> Context:
        """This context, for one subscription event: the same reader, reading through the
        event's `loaders` (resolvers/subscriptions/fanout.py). The socket's context, which
        every operation on the socket shares, is left as it is."""
        # A shallow copy made once per subscriber and event: copy.copy or dataclasses.replace
        # cost two to four times as much.
        copied = object.__new__(Context)
        copied.__dict__.update(self.__dict__)
        copied._loaders = loaders
        return copied

    @property
    def actor(self) -> User:
        """The authenticated user; the schema's gate lets no operation that needs one in
        without one, so this only fails if a public field forgets it is public."""
        if self.user is None:
            raise unauthenticated(self.auth_error or "Authentication required.")
        return self.user

    def forget_loaded(self) -> None:
        """Drop everything loaded so far: after a mutation, payloads show the new state."""
        self._loaders = Loaders()
