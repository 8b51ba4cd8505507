"""/healthz: the process is up. /readyz: it can serve (its database answers)."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from services import availability


async def get(app: Starlette, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        return await client.get(path)


async def test_healthz_answers_without_a_database(app: Starlette) -> None:
    response = await get(app, "/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_answers_when_the_database_does(db: str, app: Starlette) -> None:
    response = await get(app, "/readyz")
    assert (response.status_code, response.json()["status"]) == (200, "ready")


class _DownDatabase:
    async def execute_query(self, query: str) -> None:
        raise ConnectionRefusedError("connection refused")


class _Connections:
    def get(self, name: str) -> _DownDatabase:
        return _DownDatabase()


async def test_readyz_is_unavailable_when_the_database_is_down(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(availability, "connections", _Connections())
    response = await get(app, "/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "broker": "degraded",
    }


async def test_graphiql_is_served_to_browsers(app: Starlette) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
