"""The http handlers' configuration: which URL each topic's tasks are POSTed to.

`WORKER_HTTP_ROUTES` holds a JSON object, or `@PATH` to read it from a file, by topic:

    {"inventory.allocate_ipv6": {"url": "https://ipam.example/allocate", "timeout_seconds": 5,
                                 "headers": {"Authorization": "Bearer …"}},
     "billing.activate": "https://billing.example/activate"}

A bare string is the URL with the default timeout (10 s). Read and checked with the other
settings at start (services/settings.py): a bad route refuses the start rather than every task.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, TypeAdapter

DEFAULT_TIMEOUT_SECONDS = 10.0


class WorkerHttpRoute(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: AnyHttpUrl
    timeout_seconds: float = Field(default=DEFAULT_TIMEOUT_SECONDS, gt=0, le=300)
    headers: dict[str, str] = Field(default_factory=dict)


_ROUTES = TypeAdapter(dict[str, WorkerHttpRoute | AnyHttpUrl])


def parse_routes(value: Any) -> dict[str, WorkerHttpRoute]:
    """`WORKER_HTTP_ROUTES` as routes by topic: JSON text, `@PATH` of a JSON file, or already
    a mapping (tests, .env)."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return {}
        if text.startswith("@"):
            text = Path(text[1:]).read_text()
        routes = _ROUTES.validate_json(text)
    else:
        routes = _ROUTES.validate_python(value)
    for topic in routes:
        if not topic or topic != topic.strip():
            raise ValueError(f"a topic must be a non-blank name: {topic!r}")
    return {
        topic: route if isinstance(route, WorkerHttpRoute) else WorkerHttpRoute(url=route)
        for topic, route in routes.items()
    }
