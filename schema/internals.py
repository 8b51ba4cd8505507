"""The Strawberry internals this schema relies on, each wrapped here with why.

Where Strawberry or graphql-core has a public hook, the code uses it (`Schema`'s
`execution_context_class`, `SchemaExtension` and its hooks, graphql-core's `Executor` and the
hooks it documents for one subscription event). What has no public counterpart lives here, and
tests/schema/test_internals.py checks each assumption made about it: an upgrade that changes
one fails that test, not a delivery in production. pyproject.toml bounds the versions for the
same reason.
"""

from __future__ import annotations

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# The executor Strawberry uses when given none, to subclass. `execution_context_class` (public)
# takes any graphql-core `Executor`, but Strawberry passes every executor a keyword of its own
# (`operation_extensions`), and its `Info` expects the resolve info this class builds (the
# variables as a plain dict, the operation's extensions): a subclass of graphql-core's
# `Executor` alone would fail both. Strawberry does not export the class.
StrawberryExecutor = StrawberryGraphQLCoreExecutionContext
