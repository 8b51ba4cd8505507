"""signInAsDemoUser and demoUsers: open without a token, in demo mode only."""

from __future__ import annotations

from pathlib import Path

import httpx

from server import create_app
from tests.api.conftest import api_settings
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users

SIGN_IN = """
mutation SignIn($username: String!) {
  signInAsDemoUser(username: $username) {
    token user { username roles } userErrors { code message field }
  }
}"""


async def test_a_visitor_lists_the_demo_users(api: Api, users: Users) -> None:
    data = await api.data(None, "{ demoUsers { username roles } }")
    assert [u["username"] for u in data["demoUsers"]] == [
        "manager",
        "agent1",
        "agent2",
        "viewer",
        "partner",
        "admin",
    ]


async def test_a_visitor_signs_in_as_a_demo_user_and_uses_the_token(api: Api, users: Users) -> None:
    data = await api.data(None, SIGN_IN, {"username": "agent1"})
    payload = data["signInAsDemoUser"]
    assert payload["user"] == {"username": "agent1", "roles": ["FULFILLMENT_AGENT"]}
    me = await api.post(
        "{ me { username } }", headers={"Authorization": f"Bearer {payload['token']}"}
    )
    assert me["data"] == {"me": {"username": "agent1"}} and "errors" not in me


async def test_only_demo_users_can_be_signed_in_as(api: Api, users: Users) -> None:
    data = await api.data(None, SIGN_IN, {"username": "root"})
    payload = data["signInAsDemoUser"]
    assert (payload["token"], payload["userErrors"][0]["code"]) == (None, "NOT_FOUND")


async def test_without_demo_mode_nobody_signs_in_without_a_token(
    db: str, users: Users, tmp_path: Path
) -> None:
    app = create_app(api_settings(tmp_path, demo_mode=False))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        response = await client.post(
            "/graphql", json={"query": SIGN_IN, "variables": {"username": "manager"}}
        )
    assert response.json()["data"] is None
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_without_demo_mode_there_are_no_demo_users_even_signed_in(
    db: str, users: Users, tmp_path: Path
) -> None:
    settings = api_settings(tmp_path, demo_mode=False)
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        api = Api(client, settings)
        body = await api.as_("manager", "{ demoUsers { username } }")
        sign_in = await api.data("manager", SIGN_IN, {"username": "manager"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert sign_in["signInAsDemoUser"]["userErrors"][0]["code"] == "FORBIDDEN"
