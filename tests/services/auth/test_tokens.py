"""Issued tokens name the user, carry the issuer and expire after their time to live."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from models import User
from services.auth import AuthenticationError, authenticate, decode_token, issue_token
from services.settings import Settings

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, jwt_secret=SECRET, data_dir=tmp_path)


def test_a_token_names_the_user_and_the_issuer(settings: Settings) -> None:
    claims = decode_token(issue_token(User(username="agent1"), settings), settings)
    assert (claims["sub"], claims["iss"]) == ("agent1", "service-order-fulfillment")


def test_a_token_lives_as_long_as_asked(settings: Settings) -> None:
    before = datetime.now(UTC).timestamp()
    claims = decode_token(issue_token(User(username="u"), settings, ttl_seconds=120), settings)
    assert before + 119 <= claims["exp"] <= before + 122


def test_a_token_for_another_audience_is_refused(tmp_path: Path, settings: Settings) -> None:
    token = issue_token(User(username="u"), settings)
    expecting = Settings(
        _env_file=None,
        jwt_secret=SECRET,
        data_dir=tmp_path,
        jwt_audience="fulfillment-api",
    )
    with pytest.raises(AuthenticationError):
        decode_token(token, expecting)


async def test_authenticate_reads_the_user_from_the_database(
    users: dict[str, User], settings: Settings
) -> None:
    token = issue_token(users["manager"], settings)
    user = await authenticate(f"Bearer {token}", settings)
    assert user.id == users["manager"].id


async def test_authenticate_accepts_the_scheme_in_any_case(
    users: dict[str, User], settings: Settings
) -> None:
    token = issue_token(users["viewer"], settings)
    assert (await authenticate(f"bearer {token}", settings)).username == "viewer"


def test_no_token_is_issued_beyond_the_maximum_lifetime(settings: Settings) -> None:
    with pytest.raises(AuthenticationError, match="at most 86400 seconds"):
        issue_token(User(username="u"), settings, ttl_seconds=86401)


def test_a_short_jwt_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        Settings(_env_file=None, jwt_secret="x" * 31, data_dir=tmp_path)
