"""The Strawberry internals this schema relies on, each wrapped here with why.

Where Strawberry or graphql-core has a public hook, the code uses it (`Schema`'s
`execution_context_class`, `SchemaExtension` and its hooks, graphql-core's `Executor` and the
hooks it documents for one subscription event). What has no public counterpart lives here, and
tests/schema/test_internals.py checks each assumption made about it: an upgrade that changes
one fails that test, not a request or a delivery in production. pyproject.toml bounds the
versions for the same reason.
"""

from __future__ import annotations

from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLSchema
from strawberry.extensions import MaskErrors, ParserCache, max_aliases, query_depth_limiter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext
from strawberry.types.execution import PreExecutionError
from strawberry.types.unset import UnsetType

__all__ = [
    "LeanMaskErrors",
    "PreExecutionError",
    "StrawberryExecutor",
    "UnsetType",
    "alias_limit_rule",
    "cached_parse",
    "depth_limit_rule",
    "graphql_schema",
]

# The executor Strawberry uses when given none, to subclass. `execution_context_class` (public)
# takes any graphql-core `Executor`, but Strawberry passes every executor a keyword of its own
# (`operation_extensions`), and its `Info` expects the resolve info this class builds (the
# variables as a plain dict, the operation's extensions): a subclass of graphql-core's
# `Executor` alone would fail both. Strawberry does not export the class.
StrawberryExecutor = StrawberryGraphQLCoreExecutionContext

# Also re-exported from here (imported above): types that public hooks return or are annotated
# with, which Strawberry does not export. `PreExecutionError`, the result of a request refused
# before execution (parse or validation errors); `UnsetType`, part of `on_ws_connect`'s return
# type (`UNSET` is exported, its type is not).


class LeanMaskErrors(MaskErrors):
    """Strawberry's `MaskErrors`, less its one costly step. Strawberry asks `isinstance(result,
    <a runtime-checkable Protocol>)` of each result (tens of microseconds: once per delivery
    of every subscription event); looking the attribute up answers the same question. The
    step is `_process_result`, which `on_operation` and `on_stream_result` call for each
    result; through the public hooks alone the rest of the extension would have to be copied."""

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


def graphql_schema(execution_context: ExecutionContext) -> GraphQLSchema:
    """The graphql-core schema an operation runs on, for an extension that walks its document
    with type information (the query cost). Strawberry's own extensions (ValidationCache,
    the query depth limiter's callers) read it the same way; it has no public accessor."""
    schema: GraphQLSchema = execution_context.schema._schema
    return schema


def depth_limit_rule(max_depth: int) -> type[ASTValidationRule]:
    """Strawberry's depth limit as a validation rule. Its `QueryDepthLimiter` builds a new rule
    class per instance (per request), which makes every request's validation-cache key new;
    the builder it uses is not exported."""
    rule: type[ASTValidationRule] = query_depth_limiter.create_validator(
        max_depth, should_ignore=None
    )
    return rule


def alias_limit_rule(max_alias_count: int) -> type[ASTValidationRule]:
    """Strawberry's alias limit as a validation rule (see `depth_limit_rule`)."""
    rule: type[ASTValidationRule] = max_aliases.create_validator(max_alias_count)
    return rule


def cached_parse(cache: ParserCache, query: str, **options: Any) -> DocumentNode:
    """`cache`'s parse, through its LRU cache: the same text gives the same document, so that
    its operation is one object (the fan-out's rendering key holds it by identity). Strawberry
    keeps the cached function as an attribute, `cached_parse_document`, and no method."""
    document = cache.cached_parse_document(query, **options)
    assert isinstance(document, DocumentNode)
    return document
