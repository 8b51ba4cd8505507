"""The schema, built for a configuration (limits, introspection)."""

from __future__ import annotations

import os
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.execution import ModelAwareExecutionContext
from schema.extensions.authentication import AnonymousBound, RequireAuthentication
from schema.extensions.codes import ErrorCodes
from schema.extensions.errors import log_errors, mask_unexpected_errors
from schema.extensions.limits import limit_extensions
from schema.extensions.live_credentials import RecheckSocketCredentials
from schema.extensions.suggestions import HideSuggestions
from schema.extensions.telemetry import Telemetry
from schema.mutations.root import Mutation
from schema.node import read_attribute
from schema.query import Query
from schema.subscriptions import Subscription
from services.observability.tracing import configure_tracing, tracing_requested
from services.settings import Settings


class FulfillmentSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Called before masking: the log keeps what the client does not see.
        log_errors(errors)


def build_schema(settings: Settings, **options: Any) -> strawberry.Schema:
    """`options` go to strawberry.Schema (e.g. `subscription=`)."""
    hide_suggestions = [] if settings.introspection else [HideSuggestions]
    return FulfillmentSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            # First, so that it ends last: it sees the errors as they are sent (coded, masked).
            Telemetry,
            *tracing_extensions(),
            mask_unexpected_errors(),
            ErrorCodes,
            *hide_suggestions,
            # Before the parser cache: an anonymous document beyond a small bound, or one
            # sent with a bad token, is refused unparsed.
            AnonymousBound,
            *limit_extensions(settings),
            # After the validation cache: it replaces whatever validation found for anonymous
            # requests that ask for more than sign-in.
            RequireAuthentication,
            # Also after the validation cache, for the same reason: operations on a websocket.
            RecheckSocketCredentials,
        ],
        execution_context_class=ModelAwareExecutionContext,
        config=StrawberryConfig(default_resolver=read_attribute),
        **options,
    )


def tracing_extensions() -> list[type[SchemaExtension]]:
    """OpenTelemetry's, when the OTEL_* variables switch it on (services/observability/tracing.py);
    none otherwise."""
    if not tracing_requested(os.environ):
        return []
    configure_tracing(os.environ)
    from schema.extensions.tracing import OperationTracing  # needs the `otel` extra

    return [OperationTracing]


def build_served_schema(settings: Settings) -> strawberry.Schema:
    """The schema /graphql serves (queries, mutations, subscriptions): the one whose SDL is the
    contract (schema/contract.py)."""
    return build_schema(settings, subscription=Subscription)
