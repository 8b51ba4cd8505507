"""Baseline (a), the cost of GraphQL execution itself: graphql-core executing the same query
(already parsed and validated, as the service's caches keep it) against the same schema's
SDL, on the same data already in memory as plain dicts (graphql-core's default resolvers read
them), and encoding the result with orjson. No database, no ORM, no HTTP, no Strawberry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphql
import orjson
import strawberry


def core_executor(
    schema: strawberry.Schema, query: str, variables: dict[str, Any], data: dict[str, Any]
) -> Callable[[], bytes]:
    """A call that executes `query` over `data` (a response's `data`) and returns the JSON."""
    core_schema = graphql.build_schema(str(schema))
    document = graphql.parse(query)
    errors = graphql.validate(core_schema, document)
    if errors:
        raise ValueError(f"the query does not validate against the SDL: {errors}")

    def execute() -> bytes:
        result = graphql.execute(core_schema, document, root_value=data, variable_values=variables)
        if not isinstance(result, graphql.ExecutionResult) or result.errors:
            raise RuntimeError(f"graphql-core failed: {result}")
        return orjson.dumps({"data": result.data})

    return execute
