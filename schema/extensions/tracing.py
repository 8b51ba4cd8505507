"""Strawberry's OpenTelemetry extension, for operations only: imported only when tracing is
on (services/observability/tracing.py), since it needs the `otel` extra.

A span per operation (named after it), with its parsing and validation, and the request id
that its log lines carry. Not a span per resolver: Strawberry's extension would open one for
every field with a resolver (thousands in a plan) and, by having a `resolve` hook, make
every field of every request go through it; resetting `resolve` to the base class's tells
Strawberry it has none.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator

from strawberry.extensions import LifecycleStep, SchemaExtension
from strawberry.extensions.tracing.opentelemetry import OpenTelemetryExtension

from services.observability.exchange import current_exchange


class OperationTracing(OpenTelemetryExtension):
    resolve = SchemaExtension.resolve  # type: ignore[assignment]

    def on_operation(self) -> Generator[None, None, None]:
        spans = super().on_operation()
        next(spans)  # the operation's span is open
        exchange = current_exchange.get()
        if exchange is not None:
            span = self._span_holder[LifecycleStep.OPERATION]
            span.set_attribute("request_id", exchange.request_id)
        yield
        with contextlib.suppress(StopIteration):
            next(spans)
