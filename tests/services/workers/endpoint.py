"""A scripted HTTP endpoint on loopback for the http handler's tests: each path answers its
requests in turn from a script (a JSON answer, raw bytes, a hang, or a closed connection), and
keeps the requests it was sent."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b"{}"
    content_type: str = "application/json"

    @classmethod
    def json(cls, status: int, value: Any) -> Answer:
        return cls(status, orjson.dumps(value))


HANG = "hang"  # read the request, never answer
CLOSE = "close"  # read the request, close the connection without a word
Step = Answer | str


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Endpoint:
    port: int = 0
    scripts: dict[str, list[Step]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *steps: Step) -> str:
        """Answer `path` with `steps` in turn (the last one again once they run out)."""
        self.scripts[path] = list(steps)
        return self.url(path)

    def sent_to(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                self.requests.append(request)
                steps = self.scripts.get(request.path) or [Answer(404, b'{"error":"no route"}')]
                step = steps.pop(0) if len(steps) > 1 else steps[0]
                if step == HANG:
                    await self._release.wait()
                    return
                if step == CLOSE or not isinstance(step, Answer):
                    return
                head = (
                    f"HTTP/1.1 {step.status} X\r\nContent-Type: {step.content_type}\r\n"
                    f"Content-Length: {len(step.body)}\r\n\r\n"
                )
                writer.write(head.encode() + step.body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    line = await reader.readline()
    if not line:
        return None
    path = line.decode().split(" ")[1].split("?")[0]
    headers: dict[str, str] = {}
    while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = header.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Request(path, headers, body)


@contextlib.asynccontextmanager
async def scripted_endpoint() -> AsyncIterator[Endpoint]:
    endpoint = Endpoint()
    server = await asyncio.start_server(endpoint.handle, "127.0.0.1", 0)
    endpoint.port = server.sockets[0].getsockname()[1]
    try:
        yield endpoint
    finally:
        endpoint._release.set()
        server.close()
        await server.wait_closed()
