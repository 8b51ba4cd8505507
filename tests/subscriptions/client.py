"""A raw graphql-transport-ws client on the `websockets` package: every message is visible, so
tests can send what a well-behaved client library never would."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

PROTOCOL = "graphql-transport-ws"
# A wait that only guards against a hang; a passing test never comes near it.
SAFETY_TIMEOUT_SECONDS = 10.0


class WsClient:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    @classmethod
    async def open(cls, url: str, **options: Any) -> WsClient:
        connection = await connect(url, subprotocols=[PROTOCOL], **options)  # type: ignore[list-item]
        return cls(connection)

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        async with asyncio.timeout(SAFETY_TIMEOUT_SECONDS):
            message: dict[str, Any] = json.loads(await self.connection.recv())
        return message

    async def init(self, token: str | None) -> dict[str, Any]:
        """Send connection_init (with the token, if any) and return the server's answer."""
        await self.send_init(token)
        return await self.receive()

    async def send_init(self, token: str | None) -> None:
        payload = {} if token is None else {"authorization": f"Bearer {token}"}
        await self.send({"type": "connection_init", "payload": payload})

    async def subscribe(
        self, operation_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": operation_id, "type": "subscribe", "payload": payload})

    async def complete(self, operation_id: str) -> None:
        await self.send({"id": operation_id, "type": "complete"})

    async def next_data(self, operation_id: str) -> dict[str, Any]:
        """The data of the next `next` message of `operation_id` (it must have no errors)."""
        message = await self.receive()
        assert message.get("id") == operation_id, message
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def next_data_of(self, operation_id: str) -> dict[str, Any]:
        """Like next_data, skipping the messages of the connection's other operations."""
        while True:
            message = await self.receive()
            if message.get("id") == operation_id:
                assert message["type"] == "next", message
                assert "errors" not in message["payload"], message
                data: dict[str, Any] = message["payload"]["data"]
                return data

    async def close_code(self) -> int | None:
        """Read until the server closes the connection; the code it closed with."""
        try:
            async with asyncio.timeout(SAFETY_TIMEOUT_SECONDS):
                while True:
                    await self.connection.recv()
        except ConnectionClosed as closed:
            return None if closed.rcvd is None else closed.rcvd.code

    async def close(self) -> None:
        await self.connection.close()
