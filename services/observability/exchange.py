"""What one HTTP request's telemetry learns on its way: set by the HTTP middleware
(schema/http/telemetry.py) around the request, filled in by the GraphQL extension
(schema/extensions/telemetry.py) once it knows the operation, read back by the middleware for
the request's metrics and its access log line."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Exchange:
    request_id: str
    # Set by the GraphQL extension; None while (or if) the request runs no GraphQL operation.
    operation: str | None = None
    operation_type: str = "none"
    outcome: str | None = None


current_exchange: ContextVar[Exchange | None] = ContextVar("current_exchange", default=None)
