"""A request body larger than MAX_BODY_BYTES is refused with 413 PAYLOAD_TOO_LARGE before it is
read whole: at once when its Content-Length says so, else as soon as the bytes received pass
the limit (a chunked body), so that no request holds more than the limit in memory."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema.http.errors import error_response


class PayloadTooLarge(Exception):
    """The body being read passed the limit (raised from `receive`)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")
        self.message = str(self)


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await too_large(headers, PayloadTooLarge(self.max_bytes))(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLarge(self.max_bytes)
            return message

        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except PayloadTooLarge as error:
            if started:
                raise
            await too_large(headers, error)(scope, receive, send)


def too_large(headers: Headers, error: PayloadTooLarge) -> ASGIApp:
    # The client may still be sending: close the connection rather than read the rest.
    return error_response(headers, 413, error.message, headers={"Connection": "close"})
