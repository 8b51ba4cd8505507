"""Errors answered by the HTTP layer itself (before or around GraphQL): always a GraphQL JSON
error with an `extensions.code`, never text and never a stack trace."""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from starlette.datastructures import Headers
from starlette.responses import Response

from schema.http.media import GRAPHQL_RESPONSE, JSON, wants_graphql_response

# The code an HTTP refusal carries when nothing more specific is known.
CODE_BY_STATUS = {
    400: "BAD_USER_INPUT",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "BAD_USER_INPUT",
    405: "BAD_USER_INPUT",
    413: "PAYLOAD_TOO_LARGE",
    415: "BAD_USER_INPUT",
    503: "SERVICE_UNAVAILABLE",
}


def error_body(message: str, code: str) -> bytes:
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


def error_response(
    request_headers: Headers,
    status: int,
    message: str,
    *,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    media = GRAPHQL_RESPONSE if wants_graphql_response(request_headers.get("accept")) else JSON
    code = code or CODE_BY_STATUS.get(status, "INTERNAL_SERVER_ERROR")
    return Response(
        error_body(message, code), status_code=status, media_type=media, headers=headers
    )
