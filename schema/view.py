"""The GraphQL endpoint (HTTP, GraphiQL, and websockets): Strawberry's ASGI app, whose
context carries the authenticated user and the request's DataLoaders.

Every HTTP answer is JSON: Strawberry's own refusals (a body that is not JSON, a missing
query, ...) and failures around execution (the database down while the token's user is
read) become GraphQL errors with a code (schema/http/errors.py). A client that accepts
`application/graphql-response+json` gets it, with the GraphQL-over-HTTP status codes.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from resolvers.context import Context
from resolvers.subscriptions.connection import accept_connection
from schema.extensions.codes import result_has_no_data
from schema.extensions.errors import UNAVAILABLE, UNEXPECTED
from schema.http.body_limit import PayloadTooLarge
from schema.http.errors import error_response
from schema.http.media import GRAPHQL_RESPONSE, wants_graphql_response
from schema.internals import PreExecutionError, UnsetType
from schema.sockets import SocketWatch
from services.auth import AuthenticationError, authenticate
from services.availability import is_database_unavailable
from services.settings import Settings

logger = logging.getLogger("fulfillment.http")


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
        self.sockets = SocketWatch(settings.ws_credentials_check_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
            as_graphql_response(request, response)
        except HTTPException as error:
            response = error_response(request.headers, error.status_code, error.reason)
        except PayloadTooLarge:
            raise  # answered by the BodySizeLimit middleware
        except Exception as error:
            response = failure_response(request, error)
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(settings=self.settings, request=request, response=response)
        # Browsers cannot set headers on websockets: those authenticate in connection_init.
        if isinstance(request, Request):
            await sign_in(context, request.headers.get("authorization"))
        return context

    def decode_json(self, data: str | bytes) -> object:
        # orjson refuses what the json module crashed on (invalid UTF-8, lone surrogates,
        # nesting deeper than 1,024) with a JSONDecodeError, which Strawberry answers as 400.
        return orjson.loads(data)

    def encode_json(self, data: object) -> str:
        # orjson: a tenth of the json module's time on a large plan. Text, not bytes: the
        # websocket messages of graphql-transport-ws must be text frames.
        return orjson.dumps(data).decode()

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if is_request_error(result):
            # Read by as_graphql_response: such a result is a 4xx there, with no `data`.
            request.state.graphql_request_error = True
            if wants_graphql_response(request.headers.get("accept")):
                response.pop("data", None)
        return response

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: the connection_init payload must carry a good token (4403),
        and the socket is closed (4403) once it no longer holds (schema/sockets.py)."""
        await accept_connection(context)
        self.sockets.watch(context)
        return await super().on_ws_connect(context)


def is_request_error(result: ExecutionResult) -> bool:
    """The request failed before execution began (GraphQL over HTTP's "request error")."""
    return bool(result.errors) and (
        isinstance(result, PreExecutionError) or result_has_no_data(result)
    )


def as_graphql_response(request: Request, response: Response) -> None:
    """The media type and status code of GraphQL over HTTP, for clients that ask for them."""
    if not wants_graphql_response(request.headers.get("accept")):
        return
    if not response.headers.get("content-type", "").startswith("application/json"):
        return  # GraphiQL's page, or a stream
    response.headers["content-type"] = GRAPHQL_RESPONSE
    if response.status_code == 200 and getattr(request.state, "graphql_request_error", False):
        response.status_code = 400


def failure_response(request: Request, error: Exception) -> Response:
    """An exception around execution (reading the token's user, ...): 503 when the database
    cannot be reached, 500 otherwise; the details only in the log."""
    if is_database_unavailable(error):
        logger.warning("Database unavailable: %s", error)
        return error_response(request.headers, 503, UNAVAILABLE, headers={"Retry-After": "5"})
    logger.error("Unexpected error serving %s", request.url.path, exc_info=error)
    return error_response(request.headers, 500, UNEXPECTED)


async def sign_in(context: Context, authorization: str | None) -> None:
    """Set the context's user from an `Authorization` value, or why it has none."""
    if authorization is None:
        return
    try:
        context.user = await authenticate(authorization, context.settings)
    except AuthenticationError as error:
        context.auth_error = error.message
