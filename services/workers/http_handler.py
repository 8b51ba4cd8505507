"""The `http` handler kind: POST a task's context as JSON to the URL configured for its topic,
and read the answer as the task's outcome.

| the endpoint answers                         | the task                                      |
|----------------------------------------------|-----------------------------------------------|
| 2xx with a JSON body                         | completed, output = the body (204: null)      |
| 408, 429 (the endpoint asks to come back)    | retryable failure                             |
| other 4xx                                    | failure, not retried (fallout at once)        |
| 5xx                                          | retryable failure                             |
| no answer within the route's timeout         | retryable failure                             |
| connection refused, reset or closed early    | retryable failure                             |
| 2xx whose body is not JSON                   | retryable failure (a proxy's page, a cut body)|
| a 2xx body larger than the output bound      | failure, not retried (it would be again)      |
| 1xx / 3xx (redirects are not followed)       | failure, not retried (a configuration error)  |

Every failure's `error` names the status or the fault, and what the endpoint said: the `error`
or `message` of a JSON body, else the start of the body. Only a 2xx body is an output, bound
by the output bound; of any other answer only the first bytes are read, for its reason, so
that a 500 with a long page (a stack trace, a proxy's error page) is still retried. A JSON
body's `errorType` names the fallout type (e.g. `INVENTORY_ALLOCATION_FAILURE`). The timeout
bounds the whole exchange, not each read: an endpoint that trickles a byte a second is cut off
like one that hangs.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from services.workers.jobs import Completed, Failed, Job, Outcome

# A failure's reason is stored on the task and copied into its fallout: a line, not a page.
MAX_REASON_CHARS = 300
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]+")
RETRY_LATER = frozenset({408, 429})


@dataclass(frozen=True)
class HttpRoute:
    url: str
    timeout_seconds: float = 10.0
    headers: Mapping[str, str] = field(default_factory=dict)


class BodyTooLarge(Exception):
    pass


class HttpHandler:
    """The handler of one topic. `client` is shared by the worker's handlers (one pool)."""

    def __init__(self, route: HttpRoute, client: httpx.AsyncClient, *, max_body_bytes: int):
        self.route = route
        self.client = client
        self.max_body_bytes = max_body_bytes
        self.where = _printable_url(route.url)

    async def __call__(self, job: Job) -> Outcome:
        headers = {"Content-Type": "application/json", **self.route.headers}
        seconds = self.route.timeout_seconds
        try:
            async with (
                asyncio.timeout(seconds),
                self.client.stream(
                    "POST",
                    self.route.url,
                    content=orjson.dumps(job.context),
                    headers=headers,
                    timeout=seconds,
                ) as response,
            ):
                if 200 <= response.status_code < 300:
                    body = await _read_bounded(response, self.max_body_bytes)
                else:
                    body = await _read_start(response, self.max_body_bytes)
        except (TimeoutError, httpx.TimeoutException):
            return Failed(f"{self.where} did not answer within {seconds:g} s", retryable=True)
        except httpx.RemoteProtocolError as error:
            return Failed(f"{self.where} closed the connection: {_line(error)}", retryable=True)
        except httpx.TransportError as error:
            reason = _line(error) or type(error).__name__
            return Failed(f"{self.where} could not be reached: {reason}", retryable=True)
        except BodyTooLarge:
            return Failed(
                f"{self.where} answered more than {self.max_body_bytes} bytes", retryable=False
            )
        return outcome_of(response.status_code, body, self.where)


def outcome_of(status: int, body: bytes, where: str) -> Outcome:
    """An endpoint's answer as the task's outcome (the table in the module's docstring)."""
    if 200 <= status < 300:
        if status == 204:
            return Completed(None)
        try:
            return Completed(orjson.loads(body))
        except orjson.JSONDecodeError:
            snippet = _snippet(body) or "an empty body"
            return Failed(f"{where} answered {status} with no JSON: {snippet}", retryable=True)
    said, error_type = _what_it_said(body)
    reason = f"{where} answered {status}" + (f": {said}" if said else "")
    if status >= 500 or status in RETRY_LATER:
        return Failed(reason, retryable=True, error_type=error_type)
    if 400 <= status < 500:
        return Failed(reason, retryable=False, error_type=error_type)
    return Failed(f"{reason} (redirects are not followed)", retryable=False)


async def _read_bounded(response: httpx.Response, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_start(response: httpx.Response, limit: int) -> bytes:
    """At most `limit` bytes of the body; the rest is not read (the connection is closed)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk[: limit - size])
        size += len(chunks[-1])
        if size >= limit:
            break
    return b"".join(chunks)


def _what_it_said(body: bytes) -> tuple[str, str | None]:
    """The `error` (or `message`) and `errorType` of a JSON error body, else its start."""
    try:
        value: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _snippet(body), None
    if not isinstance(value, dict):
        return _snippet(body), None
    said = value.get("error", value.get("message"))
    error_type = value.get("errorType")
    return (
        _clean(said) if isinstance(said, str) else _snippet(body),
        _clean(error_type) or None if isinstance(error_type, str) else None,
    )


def _snippet(body: bytes) -> str:
    return _clean(body[: MAX_REASON_CHARS * 4].decode("utf-8", errors="replace"))


def _clean(text: str) -> str:
    """One printable line: the service refuses control characters in an error."""
    line = _UNPRINTABLE.sub(" ", text).strip()
    return line if len(line) <= MAX_REASON_CHARS else line[: MAX_REASON_CHARS - 1] + "…"


def _line(error: Exception) -> str:
    return _clean(str(error))


def _printable_url(url: str) -> str:
    """The endpoint without credentials or query (they would end up in a fallout)."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(userinfo=b"", query=None, fragment=None))
