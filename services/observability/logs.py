"""Structured logs: every logger of the process (the service's `logging.getLogger(...)` ones,
uvicorn's, Tortoise's) goes through one structlog formatter, JSON lines in production
(`serve`), a readable console in `make run` (LOG_FORMAT), each line with its time (UTC, ISO
8601), level, logger, and what structlog's contextvars hold: `request_id` and `operation` on
every line of an HTTP request, `connection_id` on every line of a websocket's life.

`logging_config` is a `logging.config.dictConfig` dictionary, handed to uvicorn as its
`log_config` so that each worker process applies it when it starts.
"""

from __future__ import annotations

import logging.config
import re
import sys
import uuid
from typing import Any, Literal

import orjson
import structlog
from structlog.typing import EventDict, Processor

LogFormat = Literal["json", "console"]

# A request id from the client is kept when it is short and plain (a UUID, a ULID, a
# trace id): anything else could forge log fields or flood them, and is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_from(header: str | None) -> str:
    """The client's X-Request-ID if it is acceptable, else a new one."""
    if header is not None and _REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def new_connection_id() -> str:
    return uuid.uuid4().hex[:16]


def _drop_color_message(logger: object, method: str, event: EventDict) -> EventDict:
    # uvicorn's copy of its message with terminal colour codes.
    event.pop("color_message", None)
    return event


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        _drop_color_message,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
    ]


def _orjson_dumps(value: Any, **options: Any) -> str:
    return orjson.dumps(value, default=options.get("default")).decode()


def formatter(format: LogFormat = "json") -> structlog.stdlib.ProcessorFormatter:
    """The formatter of the process's one handler (named by `logging_config`); also sets up
    structlog's own loggers to end in it."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer: Processor
    if format == "json":
        renderer = structlog.processors.JSONRenderer(serializer=_orjson_dumps)
        last: list[Processor] = [structlog.processors.format_exc_info, renderer]
    else:
        # Colours for a terminal only, not for a file the output is sent to.
        last = [structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *last],
    )


def logging_config(format: LogFormat, level: str) -> dict[str, Any]:
    return {
        "version": 1,
        # The service's loggers exist already (made at import): they must keep working.
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {"()": f"{__name__}.formatter", "format": format},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            # uvicorn's own loggers propagate to the root's handler; its access log is
            # replaced by the service's (`fulfillment.access`, with the request's fields).
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }


def configure_logging(format: LogFormat, level: str) -> None:
    """For the commands that log outside uvicorn (migrate, seed, ...)."""
    logging.config.dictConfig(logging_config(format, level))
