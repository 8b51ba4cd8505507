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


@dataclass
class LiveServer:
    url: str
    port: int
    settings: Settings
    relay: Relay

    async def token(self, username: str, **options: Any) -> str:
        return issue_token(await User.get(username=username), self.settings, **options)

    async def client(self, username: str | None) -> WsClient:
        """A connection acknowledged for `username`."""
        client = await WsClient.open(self.url)
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
