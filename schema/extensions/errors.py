"""Unexpected errors reach the client as "Unexpected error." and the server log in full.

Expected errors are GraphQL errors on purpose (validation, limits, bad arguments, no token)
and keep their message; user errors are not errors at all but payload data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension

logger = logging.getLogger("fulfillment.graphql")

UNEXPECTED = "Unexpected error."


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


def mask_unexpected_errors() -> Callable[[], SchemaExtension]:
    return lambda: MaskErrors(should_mask_error=is_unexpected, error_message=UNEXPECTED)
