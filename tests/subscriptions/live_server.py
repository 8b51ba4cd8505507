"""The service in this test process: its app on a real loopback socket (uvicorn), with the
events machinery running on the `db` fixture's database, so tests can speak websockets to it
and make changes through the services."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from websockets.asyncio.client import ClientConnection

from bench.server_process import free_port
from models import User
from server import create_app
from services.auth import issue_token
from services.events.relay import Relay
from services.events.runtime import run_events
from services.settings import Settings
from tests.api.conftest import api_settings
from tests.services.events.conftest import until
from tests.subscriptions.client import WsClient


class LiveClient(WsClient):
    """A client of the in-process server, which can tell when a subscription is registered."""

    def __init__(self, connection: ClientConnection, relay: Relay) -> None:
        super().__init__(connection)
        self.relay = relay

    async def subscribe_and_wait(
        self, operation_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        """Subscribe, and return once the relay feeds it.

        graphql-transport-ws acknowledges no subscribe: without this wait, a change made right
        after subscribing may commit before the server has registered the subscription, and a
        subscription without `after:` only sees what comes after it.
        """
        before = self.relay.subscriber_count
        await self.subscribe(operation_id, query, variables)
        await until(lambda: self.relay.subscriber_count > before)


@dataclass
class LiveServer:
    url: str
    port: int
    settings: Settings
    relay: Relay

    async def token(self, username: str, **options: Any) -> str:
        return issue_token(await User.get(username=username), self.settings, **options)

    async def client(self, username: str | None) -> LiveClient:
        """A connection acknowledged for `username`."""
        client = LiveClient((await WsClient.open(self.url)).connection, self.relay)
        assert username is not None
        ack = await client.init(await self.token(username))
        assert ack["type"] == "connection_ack", ack
        return client


@asynccontextmanager
async def live_server(data_dir: Path, **overrides: Any) -> AsyncIterator[LiveServer]:
    settings = api_settings(data_dir, **overrides)
    port = free_port()
    # No lifespan: Tortoise is the test's; the events machinery is started here instead.
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    async with run_events(settings) as events:
        serving = asyncio.create_task(server.serve())
        try:
            await until(lambda: server.started)
            yield LiveServer(f"ws://127.0.0.1:{port}/graphql", port, settings, events.relay)
        finally:
            server.should_exit = True
            await serving
