"""The API under test: the Starlette app over HTTP (httpx + ASGITransport).

ASGITransport does not run the app's lifespan: Tortoise is the `db` fixture's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from server import create_app
from services.settings import Settings
from tests.api.graphql import Api

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


def api_settings(data_dir: Path, **overrides: Any) -> Settings:
    # The embedded demo's configuration (`server.py run`): demo sign-in and introspection on.
    values: dict[str, Any] = {
        "jwt_secret": SECRET,
        "data_dir": data_dir,
        "demo_mode": True,
        "introspection": True,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return api_settings(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def app(settings: Settings) -> Starlette:
    return create_app(settings)


@pytest_asyncio.fixture
async def api(db: str, app: Starlette, settings: Settings) -> AsyncIterator[Api]:
    """Send GraphQL requests as a user (or anonymously) to an empty database's API."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield Api(client, settings)
