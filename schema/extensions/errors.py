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


class MaskUnexpectedErrors(MaskErrors):
    def _process_result(self, result: object) -> None:
        # Strawberry's asks `isinstance(result, <a runtime-checkable Protocol>)`, tens of
        # microseconds each time: once per delivery of every subscription event. Looking the
        # attribute up answers the same question.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


def mask_unexpected_errors() -> Callable[[], SchemaExtension]:
    return lambda: MaskUnexpectedErrors(should_mask_error=is_unexpected, error_message=UNEXPECTED)
