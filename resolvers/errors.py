"""Errors the API reports as GraphQL errors (not user errors): bad arguments, no credentials.

Anything else that escapes a resolver is unexpected and masked (schema/extensions).
"""

from __future__ import annotations

from graphql import GraphQLError

from services.errors import DomainError


class ApiError(GraphQLError):
    """An expected, client-caused error; its message and `code` extension reach the client."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, extensions={"code": code})


def unauthenticated(message: str) -> ApiError:
    return ApiError(message, code="UNAUTHENTICATED")


def invalid_argument(error: DomainError) -> ApiError:
    """A domain error raised while reading arguments, as a GraphQL error of the same code."""
    suffix = f" ({error.field})" if error.field else ""
    return ApiError(f"{error.message}{suffix}", code=error.code.value)
