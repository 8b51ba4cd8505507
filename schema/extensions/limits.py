"""Limits against abusive queries, as Strawberry extension factories (one instance per request).

Depth and alias limits are validation rules. Strawberry's limiters build a new rule class per
instance, which would make every request's validation-cache key new; the rules are built once
per limit here (with Strawberry's own builders) and added together, so that validating a known
query costs a cache lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

from graphql import ASTValidationRule
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
    max_aliases,
    query_depth_limiter,
)

from services.settings import Settings

# Distinct query texts kept parsed and validated; bounded so that unique texts cannot grow
# memory without end.
CACHE_SIZE = 256


@cache
def depth_rule(max_depth: int) -> type[ASTValidationRule]:
    return query_depth_limiter.create_validator(max_depth, should_ignore=None)


@cache
def alias_rule(max_alias_count: int) -> type[ASTValidationRule]:
    return max_aliases.create_validator(max_alias_count)


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    rules = [depth_rule(settings.max_query_depth), alias_rule(settings.max_aliases)]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return [
        partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
        partial(ParserCache, maxsize=CACHE_SIZE),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=CACHE_SIZE),
    ]
