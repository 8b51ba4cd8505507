"""The GraphQL endpoint (HTTP, GraphiQL, and websockets): Strawberry's ASGI app, whose
context carries the authenticated user and the request's DataLoaders."""

from __future__ import annotations

from datetime import timedelta

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from resolvers.context import Context
from resolvers.subscriptions.connection import accept_connection
from services.auth import AuthenticationError, authenticate
from services.settings import Settings


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, schema: BaseSchema, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.introspection else None,
            # Subscriptions: graphql-transport-ws only (the legacy graphql-ws protocol is not
            # offered), with the limits of the settings.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(
                seconds=settings.ws_connection_init_timeout_seconds
            ),
            max_subscriptions_per_connection=settings.ws_max_operations,
        )
        self.settings = settings

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(settings=self.settings, request=request, response=response)
        # Browsers cannot set headers on websockets: those authenticate in connection_init.
        if isinstance(request, Request):
            await sign_in(context, request.headers.get("authorization"))
        return context

    def encode_json(self, data: object) -> str:
        # orjson: a tenth of the json module's time on a large plan. Text, not bytes: the
        # websocket messages of graphql-transport-ws must be text frames.
        return orjson.dumps(data).decode()

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: the connection_init payload must carry a good token (4403)."""
        await accept_connection(context)
        return await super().on_ws_connect(context)


async def sign_in(context: Context, authorization: str | None) -> None:
    """Set the context's user from an `Authorization` value, or why it has none."""
    if authorization is None:
        return
    try:
        context.user = await authenticate(authorization, context.settings)
    except AuthenticationError as error:
        context.auth_error = error.message
