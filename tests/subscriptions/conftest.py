"""Fixtures for the subscription tests: the service on a loopback socket, and demo data."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from models import User
from tests.subscriptions.live_server import LiveServer, live_server


@pytest_asyncio.fixture
async def server(
    users: dict[str, User], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    """The service with the demo users and catalog, its catch-up an hour away: what arrives,
    arrives because a commit woke the relay."""
    async with live_server(
        tmp_path_factory.mktemp("data"),
        catchup_interval_seconds=3600,
        ws_connection_init_timeout_seconds=0.3,
        ws_max_operations=3,
    ) as running:
        yield running
