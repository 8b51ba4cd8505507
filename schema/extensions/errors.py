"""Unexpected errors reach the client as "Unexpected error." (code INTERNAL_SERVER_ERROR) and
the server log in full; a database that cannot be reached as SERVICE_UNAVAILABLE.

Expected errors are GraphQL errors on purpose (validation, limits, bad arguments, no token)
and keep their message; user errors are not errors at all but payload data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.internals import LeanMaskErrors
from services.availability import is_database_unavailable

logger = logging.getLogger("fulfillment.graphql")

UNEXPECTED = "Unexpected error."
UNAVAILABLE = "The service is unavailable (its database cannot be reached); try again later."


def is_unexpected(error: GraphQLError) -> bool:
    """An exception a resolver did not mean to raise (a bug, the database going away, …)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def log_errors(errors: list[GraphQLError]) -> None:
    for error in errors:
        if is_unexpected(error):
            logger.error(
                "Unexpected error at %s: %s", error.path, error, exc_info=error.original_error
            )
        else:
            logger.debug("GraphQL error: %s", error.message)


class MaskUnexpectedErrors(LeanMaskErrors):
    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        down = error.original_error is not None and is_database_unavailable(error.original_error)
        masked = super().anonymise_error(error)
        if down:
            masked.message = UNAVAILABLE
        masked.extensions = {"code": "SERVICE_UNAVAILABLE" if down else "INTERNAL_SERVER_ERROR"}
        return masked


def mask_unexpected_errors() -> Callable[[], SchemaExtension]:
    return lambda: MaskUnexpectedErrors(should_mask_error=is_unexpected, error_message=UNEXPECTED)
