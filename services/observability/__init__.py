"""What an operator sees of a running process (README, Operations).

- `metrics.py`: the Prometheus metrics, and how /metrics renders them (one process, or every
  worker of `serve --workers N` through prometheus-client's multiprocess mode).
- `sampler.py`: the figures read rather than counted (outbox backlog, database pool).
- `logs.py`: structured logs (JSON in production, console in `make run`), request ids.
- `tracing.py`: optional OpenTelemetry tracing, on when the standard `OTEL_*` variables ask.

No Strawberry here: the GraphQL side (schema/extensions/telemetry.py) and the HTTP side
(schema/http/telemetry.py) record through these.
"""
