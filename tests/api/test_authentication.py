"""No token, or a token that does not hold up: an error and no data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette

from models import ServiceOrder, User
from server import create_app
from tests.api.conftest import SECRET, api_settings
from tests.api.graphql import Api

ME = "{ me { username } }"


def claims(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "sub": "viewer",
        "iss": "service-order-fulfillment",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


async def request_with(api: Api, authorization: str | None) -> dict[str, Any]:
    headers = {} if authorization is None else {"Authorization": authorization}
    return await api.post(ME, headers=headers)


def assert_refused(body: dict[str, Any], api: Api, message_part: str) -> None:
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert message_part in error["message"]
    assert api.last_response is not None and api.last_response.status_code == 401


async def test_a_valid_token_names_the_user(api: Api, users: dict[str, User]) -> None:
    body = await request_with(api, "Bearer " + jwt.encode(claims(), SECRET, algorithm="HS256"))
    assert body["data"] == {"me": {"username": "viewer"}} and "errors" not in body


async def test_no_token_is_refused(api: Api, users: dict[str, User]) -> None:
    assert_refused(await request_with(api, None), api, "Authentication required")


async def test_a_header_that_is_not_bearer_is_refused(api: Api, users: dict[str, User]) -> None:
    assert_refused(await request_with(api, "Basic dmlld2VyOnB3"), api, "Bearer <token>")


async def test_a_malformed_token_is_refused(api: Api, users: dict[str, User]) -> None:
    assert_refused(await request_with(api, "Bearer not.a.jwt"), api, "malformed")


async def test_an_expired_token_is_refused(api: Api, users: dict[str, User]) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    token = jwt.encode(claims(iat=past, exp=past + timedelta(minutes=5)), SECRET, "HS256")
    assert_refused(await request_with(api, f"Bearer {token}"), api, "expired")


async def test_a_token_signed_with_another_secret_is_refused(
    api: Api, users: dict[str, User]
) -> None:
    token = jwt.encode(claims(), "another-secret-that-is-long-enough-for-hs256", "HS256")
    assert_refused(await request_with(api, f"Bearer {token}"), api, "signature")


async def test_a_token_of_another_issuer_is_refused(api: Api, users: dict[str, User]) -> None:
    token = jwt.encode(claims(iss="someone-else"), SECRET, "HS256")
    assert_refused(await request_with(api, f"Bearer {token}"), api, "issued by someone else")


async def test_a_token_without_expiry_is_refused(api: Api, users: dict[str, User]) -> None:
    token = jwt.encode(claims(exp=None), SECRET, "HS256")
    assert_refused(await request_with(api, f"Bearer {token}"), api, "`exp`")


async def test_an_unsigned_token_is_refused(api: Api, users: dict[str, User]) -> None:
    token = jwt.encode(claims(), "", algorithm="none")
    assert_refused(await request_with(api, f"Bearer {token}"), api, "malformed")


async def test_a_token_of_an_unknown_user_is_refused(api: Api, users: dict[str, User]) -> None:
    token = jwt.encode(claims(sub="nobody"), SECRET, "HS256")
    assert_refused(await request_with(api, f"Bearer {token}"), api, "does not exist")


async def test_a_token_of_a_deactivated_user_is_refused(api: Api, users: dict[str, User]) -> None:
    await User.filter(username="viewer").update(is_active=False)
    token = jwt.encode(claims(), SECRET, "HS256")
    assert_refused(await request_with(api, f"Bearer {token}"), api, "not active")


async def test_a_bad_token_is_refused_even_for_what_needs_no_token(
    api: Api, users: dict[str, User]
) -> None:
    body = await api.post("{ demoUsers { username } }", headers={"Authorization": "Bearer x"})
    assert_refused(body, api, "malformed")


async def test_an_anonymous_request_learns_nothing_from_validation(
    api: Api, users: dict[str, User]
) -> None:
    body = await api.post("{ serviceOrderz { totalCount } }")
    assert_refused(body, api, "Authentication required")


async def test_a_mutation_without_token_changes_nothing(api: Api, users: dict[str, User]) -> None:
    body = await api.post(
        'mutation { submitServiceOrder(input: {customer: "X", lineItems: '
        '[{specificationCode: "FIBRE_BROADBAND"}]}) { serviceOrder { id } } }'
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await ServiceOrder.all().count() == 0


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def rs256_app(tmp_path: Any, rsa_key: rsa.RSAPrivateKey) -> Starlette:
    public_pem = (
        rsa_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings = api_settings(
        tmp_path, jwt_algorithm="RS256", jwt_public_key=public_pem, jwt_secret=None
    )
    return create_app(settings)


async def test_rs256_tokens_of_the_identity_provider_are_accepted(
    db: str, users: dict[str, User], rs256_app: Starlette, rsa_key: rsa.RSAPrivateKey
) -> None:
    token = jwt.encode(claims(), rsa_key, algorithm="RS256")
    transport = httpx.ASGITransport(app=rs256_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        response = await client.post(
            "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.json()["data"] == {"me": {"username": "viewer"}}


async def test_rs256_refuses_a_token_signed_any_other_way(
    db: str, users: dict[str, User], rs256_app: Starlette
) -> None:
    token = jwt.encode(claims(), SECRET, algorithm="HS256")
    transport = httpx.ASGITransport(app=rs256_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        response = await client.post(
            "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.json()["data"] is None
    assert response.status_code == 401


async def test_a_token_living_longer_than_the_maximum_is_refused(
    api: Api, users: dict[str, User]
) -> None:
    now = datetime.now(UTC)
    token = jwt.encode(claims(iat=now, exp=now + timedelta(days=2)), SECRET, algorithm="HS256")
    body = await request_with(api, f"Bearer {token}")
    assert_refused(body, api, "lives longer than the 86400 seconds allowed")


async def test_a_token_without_iat_expiring_beyond_the_maximum_is_refused(
    api: Api, users: dict[str, User]
) -> None:
    long_lived = claims(iat=None, exp=datetime.now(UTC) + timedelta(days=30))
    body = await request_with(api, "Bearer " + jwt.encode(long_lived, SECRET, algorithm="HS256"))
    assert_refused(body, api, "lives longer than the 86400 seconds allowed")
