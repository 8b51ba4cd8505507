"""The per-request context every resolver receives (`strawberry.Info[Context, None]`)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    # Made on first use: a subscriber's context reads through the loaders each event shares
    # (resolvers/subscriptions/shared.py), and a thousand idle sockets need none of their own.
    _loaders: Loaders | None = field(default=None, repr=False)

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = Loaders()
        return self._loaders

    @loaders.setter
    def loaders(self, loaders: Loaders) -> None:
        self._loaders = loaders

    @property
    def actor(self) -> User:
        """The authenticated user; the schema's gate lets no operation that needs one in
        without one, so this only fails if a public field forgets it is public."""
        if self.user is None:
            raise unauthenticated(self.auth_error or "Authentication required.")
        return self.user

    def forget_loaded(self) -> None:
        """Drop everything loaded so far: after a mutation, payloads show the new state."""
        self.loaders = Loaders()
