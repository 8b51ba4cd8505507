"""Benchmark subscribers: graphql-transport-ws over the `websockets` package, each keeping
what it received with the wall-clock time it arrived (parsed after the run, not while it
runs, so that the client spends as little as it can per message)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

PROTOCOL = "graphql-transport-ws"
HANDSHAKE_TIMEOUT_SECONDS = 30.0


class Tally:
    """Messages received by all the subscribers that share it; `reached` once there are
    `expected` of them."""

    def __init__(self) -> None:
        self.count = 0
        self.expected: int | None = None
        self.reached = asyncio.Event()

    def expect(self, total: int) -> None:
        self.expected = total
        self.reached.clear()
        self._check()

    def add(self) -> None:
        self.count += 1
        self._check()

    def _check(self) -> None:
        if self.expected is not None and self.count >= self.expected:
            self.reached.set()


class Subscriber:
    """One websocket with one subscription (operation id "1")."""

    def __init__(self, connection: ClientConnection, tally: Tally) -> None:
        self.connection = connection
        self.tally = tally
        self.received: list[tuple[float, str | bytes]] = []
        self.first = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls, url: str, token: str, query: str, variables: dict[str, Any], tally: Tally
    ) -> Subscriber:
        # No permessage-deflate: it would cost both sides CPU per message on loopback.
        connection = await connect(
            url,
            subprotocols=[PROTOCOL],  # type: ignore[list-item]
            compression=None,
            open_timeout=HANDSHAKE_TIMEOUT_SECONDS,
            max_queue=None,
        )
        subscriber = cls(connection, tally)
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await connection.send(orjson.dumps(init).decode())
        async with asyncio.timeout(HANDSHAKE_TIMEOUT_SECONDS):
            ack = orjson.loads(await connection.recv())
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"connection refused: {ack}")
        payload = {"query": query, "variables": variables}
        message = {"id": "1", "type": "subscribe", "payload": payload}
        await connection.send(orjson.dumps(message).decode())
        subscriber._reader = asyncio.create_task(subscriber._read())
        return subscriber

    async def _read(self) -> None:
        try:
            async for message in self.connection:
                self.received.append((time.time(), message))
                self.first.set()
                self.tally.add()
        except ConnectionClosed:
            pass

    def messages(self) -> list[tuple[float, dict[str, Any]]]:
        return [(at, orjson.loads(raw)) for at, raw in self.received]

    async def close(self) -> None:
        await self.connection.close()
        if self._reader is not None:
            await self._reader
