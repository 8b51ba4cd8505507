"""Parsed and validated documents, cached, up to a size.

Strawberry's ParserCache and ValidationCache keep every distinct document (up to their entry
count) whatever its size: twelve 10 MB documents kept ~16 MB each. Here only documents up to
MAX_CACHED_QUERY_LENGTH characters are cached; larger ones (legitimate ones are rare) are
parsed and validated on each request and then dropped. A document that does not parse is not
cached either: Strawberry parses it again and reports the error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress

from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache

from schema.internals import cached_parse


def cacheable(query: str | None, max_length: int) -> bool:
    return query is not None and len(query) <= max_length


class BoundedParserCache(ParserCache):
    def __init__(self, maxsize: int, max_query_length: int) -> None:
        super().__init__(maxsize=maxsize)
        self.max_query_length = max_query_length

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is not None and cacheable(query, self.max_query_length):
            with suppress(GraphQLError):
                context.graphql_document = cached_parse(self, query, **context.parse_options)
        yield


class BoundedValidationCache(ValidationCache):
    def __init__(self, maxsize: int, max_query_length: int) -> None:
        super().__init__(maxsize=maxsize)
        self.max_query_length = max_query_length

    def on_validate(self) -> Iterator[None]:
        if cacheable(self.execution_context.query, self.max_query_length):
            yield from super().on_validate()
        else:
            yield  # Strawberry validates it, uncached
