"""The ASGI middleware of every request's telemetry (README, Operations).

HTTP: a request id (the client's `X-Request-ID` if it is short and plain, else a new one) is
echoed in the response's `X-Request-ID` and bound to the log context, so that every line
logged while the request is served carries it; the GraphQL extension adds the operation
(schema/extensions/telemetry.py). When the response is sent: one access line
(`fulfillment.access`, INFO) and the request's metrics.

Websockets: a connection id on every line logged in the connection's life (its operations
run in tasks that inherit the context), a line when it opens and when it closes, and the
open-websockets gauge.

Outermost: it sees the refusals of the body limit too (413).
"""

from __future__ import annotations

import logging
import time

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema.extensions.telemetry import LOG_KEYS
from schema.http.errors import CODE_BY_STATUS
from services.observability.exchange import Exchange, current_exchange
from services.observability.logs import new_connection_id, request_id_from
from services.observability.metrics import (
    GRAPHQL_ERRORS,
    GRAPHQL_REQUESTS,
    HTTP_REQUESTS,
    WEBSOCKETS_OPEN,
)

access_log = logging.getLogger("fulfillment.access")
websocket_log = logging.getLogger("fulfillment.websocket")

REQUEST_ID_HEADER = "X-Request-ID"
_ROUTES = ("/graphql", "/healthz", "/readyz", "/metrics")


def route_of(path: str) -> str:
    """A bounded label: the route a path belongs to."""
    if path in _ROUTES:
        return path
    return "/ui" if path == "/ui" or path.startswith("/ui/") else "other"


class Telemetry:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        request_id = request_id_from(Headers(scope=scope).get(REQUEST_ID_HEADER))
        exchange = Exchange(request_id)
        exchange_token = current_exchange.set(exchange)
        log_tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        status = 500  # if the app fails before it answers, uvicorn answers 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            self._record(scope, exchange, status, elapsed)
            structlog.contextvars.unbind_contextvars(*LOG_KEYS)
            structlog.contextvars.reset_contextvars(**log_tokens)
            current_exchange.reset(exchange_token)

    def _record(self, scope: Scope, exchange: Exchange, status: int, elapsed: float) -> None:
        route = route_of(scope["path"])
        HTTP_REQUESTS.labels(route, str(status)).inc()
        graphql = route == "/graphql" and (exchange.outcome is not None or status >= 400)
        if graphql:
            outcome = exchange.outcome
            if status >= 500:
                outcome = "failed"
            elif outcome is None:  # refused around GraphQL (body, JSON, media type)
                outcome = "rejected"
                GRAPHQL_ERRORS.labels(CODE_BY_STATUS.get(status, "INTERNAL_SERVER_ERROR")).inc()
            operation = exchange.operation or "__unparsed__"
            GRAPHQL_REQUESTS.labels(operation, exchange.operation_type, outcome).observe(elapsed)
        if access_log.isEnabledFor(logging.INFO):
            fields: dict[str, object] = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
            }
            if graphql:
                fields |= {"operation": exchange.operation, "outcome": outcome}
            access_log.info("request", extra=fields)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        log_tokens = structlog.contextvars.bind_contextvars(connection_id=new_connection_id())
        accepted = False
        close_code: int | None = None

        async def watching_send(message: Message) -> None:
            nonlocal accepted, close_code
            if message["type"] == "websocket.accept":
                accepted = True
                WEBSOCKETS_OPEN.inc()
                websocket_log.info("websocket opened", extra={"path": scope["path"]})
            elif message["type"] == "websocket.close":
                close_code = message.get("code", 1000)
            await send(message)

        async def watching_receive() -> Message:
            nonlocal close_code
            message = await receive()
            if message["type"] == "websocket.disconnect" and close_code is None:
                close_code = message.get("code", 1000)
            return message

        try:
            await self.app(scope, watching_receive, watching_send)
        finally:
            if accepted:
                WEBSOCKETS_OPEN.dec()
                seconds = round(time.perf_counter() - started, 3)
                websocket_log.info(
                    "websocket closed", extra={"code": close_code, "duration_s": seconds}
                )
            structlog.contextvars.reset_contextvars(**log_tokens)
