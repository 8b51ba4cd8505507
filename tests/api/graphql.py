"""A small GraphQL client for the API tests, and reading global ids."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from models import User
from services.auth import issue_token
from services.settings import Settings


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def pk_of(global_id: str) -> int:
    return int(base64.b64decode(global_id).decode().split(":", 1)[1])


class Api:
    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.last_response: httpx.Response | None = None

    async def token(self, username: str) -> str:
        return issue_token(await User.get(username=username), self.settings)

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The response body, whatever it holds."""
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        self.last_response = response
        body: dict[str, Any] = response.json()
        return body

    async def as_(
        self, username: str | None, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The response body of `query` sent with a token for `username` (None: no token)."""
        headers = {}
        if username is not None:
            headers["Authorization"] = f"Bearer {await self.token(username)}"
        return await self.post(query, variables, headers=headers)

    async def data(
        self, username: str | None, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The `data` of a response that must have no errors."""
        body = await self.as_(username, query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data
