"""Limits against abusive queries, as Strawberry extension factories (one instance per request):
tokens, depth, aliases (QUERY_TOO_COMPLEX), caches bounded in entries and document size
(caches.py), and the query cost (cost.py).

Depth and alias limits are validation rules. Strawberry's limiters build a new rule class per
instance, which would make every request's validation-cache key new; the rules are built once
per limit here (with Strawberry's own builders) and added together, so that validating a known
query costs a cache lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any, cast

from graphql import ASTValidationRule, GraphQLError, ValidationContext
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    SchemaExtension,
)

from schema.extensions.caches import BoundedParserCache, BoundedValidationCache
from schema.extensions.codes import Code, set_code
from schema.extensions.cost import QueryCost
from schema.internals import alias_limit_rule, depth_limit_rule
from services.settings import Settings

# Distinct query texts kept parsed and validated; bounded so that unique texts cannot grow
# memory without end.
CACHE_SIZE = 256


class _TooComplex:
    """A validation context whose errors are coded QUERY_TOO_COMPLEX; the rest is the
    context's. Strawberry's limiters report through the context they are given."""

    def __init__(self, context: ValidationContext) -> None:
        self._context = context

    def report_error(self, error: GraphQLError) -> None:
        self._context.report_error(set_code(error, Code.QUERY_TOO_COMPLEX))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def too_complex(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """`rule`, its errors coded QUERY_TOO_COMPLEX (not GRAPHQL_VALIDATION_FAILED): the
    document is valid, only too big for this server."""

    class Limit(rule):  # type: ignore[valid-type,misc]
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(cast(ValidationContext, _TooComplex(context)))

    Limit.__name__ = rule.__name__
    return Limit


@cache
def depth_rule(max_depth: int) -> type[ASTValidationRule]:
    return too_complex(depth_limit_rule(max_depth))


@cache
def alias_rule(max_alias_count: int) -> type[ASTValidationRule]:
    return too_complex(alias_limit_rule(max_alias_count))


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    rules = [depth_rule(settings.max_query_depth), alias_rule(settings.max_aliases)]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    cached = settings.max_cached_query_length
    return [
        partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
        partial(BoundedParserCache, maxsize=CACHE_SIZE, max_query_length=cached),
        partial(AddValidationRules, rules),
        partial(BoundedValidationCache, maxsize=CACHE_SIZE, max_query_length=cached),
        # At execution: it prices only valid documents.
        partial(QueryCost, max_cost=settings.max_query_cost),
    ]
