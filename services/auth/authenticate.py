"""From an `Authorization` header to the acting user."""

from __future__ import annotations

from models import User
from services.auth.errors import AuthenticationError
from services.auth.tokens import decode_token
from services.settings import Settings


async def authenticate(authorization: str | None, settings: Settings) -> User:
    """The active user named by a `Bearer <JWT>` credential; roles come from the user record."""
    if not authorization or not authorization.strip():
        raise AuthenticationError("Authentication required: send `Authorization: Bearer <token>`.")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("The Authorization header must be `Bearer <token>`.")
    claims = decode_token(token.strip(), settings)
    user = await User.get_or_none(username=str(claims["sub"]))
    if user is None or not user.is_active:
        raise AuthenticationError("The token's user does not exist or is not active.")
    return user
