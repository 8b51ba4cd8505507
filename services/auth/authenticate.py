"""From an `Authorization` header to the acting user, and checking again later that the user
still may act (a websocket keeps its user for as long as it is open)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from models import User
from services.auth.errors import AuthenticationError
from services.auth.tokens import decode_token
from services.settings import Settings

NOT_ACTIVE = "The token's user does not exist or is not active."


@dataclass(frozen=True)
class Credentials:
    user: User
    # When the token stops being valid (its `exp`).
    expires_at: datetime


async def authenticate(authorization: str | None, settings: Settings) -> User:
    """The active user named by a `Bearer <JWT>` credential; roles come from the user record."""
    return (await authenticate_credentials(authorization, settings)).user


async def authenticate_credentials(authorization: str | None, settings: Settings) -> Credentials:
    if not authorization or not authorization.strip():
        raise AuthenticationError("Authentication required: send `Authorization: Bearer <token>`.")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("The Authorization header must be `Bearer <token>`.")
    claims = decode_token(token.strip(), settings)
    user = await User.get_or_none(username=str(claims["sub"]))
    if user is None or not user.is_active:
        raise AuthenticationError(NOT_ACTIVE)
    return Credentials(user=user, expires_at=datetime.fromtimestamp(float(claims["exp"]), UTC))


async def active_users(user_ids: Collection[int]) -> dict[int, User]:
    """The users of `user_ids` that still exist and are active, as they are now, by id."""
    if not user_ids:
        return {}
    return {user.id: user for user in await User.filter(id__in=list(user_ids), is_active=True)}
