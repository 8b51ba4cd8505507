"""Optional OpenTelemetry tracing, switched on by the standard variables and off otherwise.

On when `OTEL_TRACES_EXPORTER` names an exporter (`otlp`, `console`) or an OTLP endpoint is
set (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); off when
`OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. The rest is the SDK's own reading of
the standard variables (service name and resource, sampler, endpoint, headers, batching).
Off, nothing of OpenTelemetry is imported and no extension runs. The packages are the
`otel` extra (`pip install '.[otel]'`); asked for without them, the server refuses to start
and says what to install.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

EXTRA = "pip install 'service-order-fulfillment[otel]'"
SERVICE_NAME = "service-order-fulfillment"
_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
_OTLP_EXPORTERS = {
    "http/protobuf": "opentelemetry.exporter.otlp.proto.http.trace_exporter",
    "grpc": "opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
}


class TracingUnavailable(RuntimeError):
    pass


def tracing_requested(environ: Mapping[str, str]) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters == "none":
        return False
    return bool(exporters) or any(environ.get(name) for name in _ENDPOINTS)


def _import(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise TracingUnavailable(
            f"OpenTelemetry tracing is switched on (OTEL_* variables) but {module} cannot be "
            f"imported ({error}): {EXTRA}, or unset the OTEL_* variables"
        ) from error


def configure_tracing(environ: Mapping[str, str]) -> Any:
    """Install a tracer provider exporting as the variables say, unless one is installed
    already (by `opentelemetry-instrument`, or a host application); return the one in use."""
    trace = _import("opentelemetry.trace")
    sdk = _import("opentelemetry.sdk.trace")
    export = _import("opentelemetry.sdk.trace.export")
    resources = _import("opentelemetry.sdk.resources")
    installed = trace.get_tracer_provider()
    if not isinstance(installed, trace.ProxyTracerProvider):
        return installed
    # Attributes given here override the variables': the name only when they give none.
    named = environ.get("OTEL_SERVICE_NAME") or "service.name" in environ.get(
        "OTEL_RESOURCE_ATTRIBUTES", ""
    )
    provider = sdk.TracerProvider(
        resource=resources.Resource.create({} if named else {"service.name": SERVICE_NAME})
    )
    for name in (environ.get("OTEL_TRACES_EXPORTER") or "otlp").split(","):
        provider.add_span_processor(export.BatchSpanProcessor(_exporter(name.strip(), environ)))
    trace.set_tracer_provider(provider)
    return provider


def _exporter(name: str, environ: Mapping[str, str]) -> Any:
    if name == "console":
        return _import("opentelemetry.sdk.trace.export").ConsoleSpanExporter()
    if name != "otlp":
        raise TracingUnavailable(f"OTEL_TRACES_EXPORTER: unknown exporter {name!r}")
    protocol = (
        environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    )
    module = _OTLP_EXPORTERS.get(protocol)
    if module is None:
        raise TracingUnavailable(f"OTEL_EXPORTER_OTLP_PROTOCOL: unknown protocol {protocol!r}")
    # The exporter reads its endpoint, headers, timeout and compression from the variables.
    return _import(module).OTLPSpanExporter()
