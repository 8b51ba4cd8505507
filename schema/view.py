"""The GraphQL endpoint (HTTP, GraphiQL, and websockets): Strawberry's ASGI app, whose
context carries the authenticated user and the request's DataLoaders."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema import BaseSchema

from resolvers.context import Context
from services.auth import AuthenticationError, authenticate
from services.settings import Settings


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, schema: BaseSchema, settings: Settings) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.introspection else None)
        self.settings = settings

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(settings=self.settings, request=request, response=response)
        # Browsers cannot set headers on websockets: those authenticate in connection_init.
        if isinstance(request, Request):
            await sign_in(context, request.headers.get("authorization"))
        return context


async def sign_in(context: Context, authorization: str | None) -> None:
    """Set the context's user from an `Authorization` value, or why it has none."""
    if authorization is None:
        return
    try:
        context.user = await authenticate(authorization, context.settings)
    except AuthenticationError as error:
        context.auth_error = error.message
