"""What each GraphQL operation tells the operator: its name and type (on every log line from
execution on, and on the request's metrics and access line), its outcome, and its errors by
code (`fulfillment_graphql_errors_total`).

Per operation, not per field: it has no `resolve` hook, so resolvers run as they would
without it. Operation names are the clients' to choose: a label takes at most
MAX_OPERATION_NAMES distinct ones per process (later ones count as `__other__`), and only a
name the document really defines (else `__unknown__`; `__unparsed__` when it did not parse,
`__unnamed__` for an anonymous operation).
"""

from __future__ import annotations

from collections.abc import Iterator

import structlog
from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.execution import PreExecutionError

from schema.extensions.codes import Code, code_of, result_has_no_data
from services.errors import ErrorCode
from services.observability.exchange import current_exchange
from services.observability.metrics import GRAPHQL_ERRORS

MAX_OPERATION_NAMES = 200
_MAX_NAME_LENGTH = 100
_KNOWN_CODES = frozenset(Code) | frozenset(ErrorCode)
_FAILURES = frozenset({Code.INTERNAL_SERVER_ERROR, Code.SERVICE_UNAVAILABLE})
# Keys this extension binds to the log context (the HTTP middleware unbinds them).
LOG_KEYS = ("operation", "operation_type")

_seen_names: set[str] = set()


class Telemetry(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        # Parsed and validated: the name and type are known, and execution may log.
        structlog.contextvars.bind_contextvars(
            operation=operation_label(self.execution_context),
            operation_type=operation_type(self.execution_context),
        )
        yield

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        errors: list[GraphQLError] = getattr(context.result, "errors", None) or []
        for error in errors:
            code = code_of(error)
            GRAPHQL_ERRORS.labels(code if code in _KNOWN_CODES else "OTHER").inc()
        exchange = current_exchange.get()
        if exchange is not None:
            exchange.operation = operation_label(context)
            exchange.operation_type = operation_type(context)
            exchange.outcome = outcome(context.result, errors)


def outcome(result: object, errors: list[GraphQLError]) -> str:
    """ok (no error), failed (the server's fault), rejected (refused before it ran: parse,
    validation, limits, authentication, variables), error (ran, with errors)."""
    if not errors:
        return "ok"
    if any(code_of(error) in _FAILURES for error in errors):
        return "failed"
    if isinstance(result, PreExecutionError) or result_has_no_data(result):
        return "rejected"
    return "error"


def operation_label(context: ExecutionContext) -> str:
    document = context.graphql_document
    if document is None:
        return "__unparsed__"
    name = context.operation_name
    if name is None:
        return "__unnamed__"
    defined = any(
        isinstance(node, OperationDefinitionNode) and node.name and node.name.value == name
        for node in document.definitions
    )
    if not defined:
        return "__unknown__"
    if name in _seen_names:
        return name
    if len(name) > _MAX_NAME_LENGTH or len(_seen_names) >= MAX_OPERATION_NAMES:
        return "__other__"
    _seen_names.add(name)
    return name


def operation_type(context: ExecutionContext) -> str:
    try:
        return context.operation_type.value
    except Exception:  # no document, or no operation of that name in it
        return "none"
