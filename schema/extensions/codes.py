"""Every GraphQL error carries an `extensions.code`, so that a client can tell what happened
without reading messages.

Errors raised on purpose (resolvers/errors.py, the limits, the authentication gate) come with
their code. This extension gives one to the rest by the phase that produced them:

| phase | code |
|---|---|
| parsing (a syntax error) | GRAPHQL_PARSE_FAILED |
| parsing (more tokens than MAX_QUERY_TOKENS) | QUERY_TOO_COMPLEX |
| validation (an unknown field, a wrong argument, ...) | GRAPHQL_VALIDATION_FAILED |
| before execution (variables that do not coerce) | BAD_USER_INPUT |
| execution (graphql-core's own, e.g. a null for a non-null field) | INTERNAL_SERVER_ERROR |

Unexpected exceptions are coded where they are masked (schema/extensions/errors.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.extensions.errors import is_unexpected
from schema.internals import PreExecutionError


class Code(StrEnum):
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


# graphql-core reports the token limit as a syntax error; this is its message's beginning.
_TOKEN_LIMIT = "Syntax Error: Document contains more than"


def code_of(error: GraphQLError) -> str | None:
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else None


def set_code(error: GraphQLError, code: str) -> GraphQLError:
    """`error`, with `code` unless it has one already."""
    if code_of(error) is None:
        error.extensions = {**(error.extensions or {}), "code": code}
    return error


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if not errors:
            return
        parsed = self.execution_context.graphql_document is not None
        before_execution = isinstance(result, PreExecutionError) or result_has_no_data(result)
        for error in errors:
            if code_of(error) is not None or is_unexpected(error):
                continue
            if not parsed:
                limit = error.message.startswith(_TOKEN_LIMIT)
                set_code(error, Code.QUERY_TOO_COMPLEX if limit else Code.GRAPHQL_PARSE_FAILED)
            elif isinstance(result, PreExecutionError):
                set_code(error, Code.GRAPHQL_VALIDATION_FAILED)
            elif before_execution and error.path is None:
                set_code(error, Code.BAD_USER_INPUT)
            else:
                set_code(error, Code.INTERNAL_SERVER_ERROR)


def result_has_no_data(result: object) -> bool:
    """A result that failed before execution began: no data, and no error at a field's path
    (graphql-core reports variables that do not coerce this way)."""
    errors = getattr(result, "errors", None) or []
    return getattr(result, "data", None) is None and all(e.path is None for e in errors)
