"""Issuing and checking bearer tokens (JWT)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from models import User
from services.auth.errors import AuthenticationError
from services.auth.keys import signing_key, verification_key
from services.settings import Settings

_REQUIRED_CLAIMS = ["exp", "iss", "sub"]


def issue_token(user: User, settings: Settings, *, ttl_seconds: int | None = None) -> str:
    """A token naming `user` (by username, the `sub` claim) that expires after the TTL."""
    issued_at = datetime.now(UTC)
    ttl = settings.token_ttl_seconds if ttl_seconds is None else ttl_seconds
    if ttl > settings.max_token_lifetime_seconds:
        raise AuthenticationError(
            f"A token may live at most {settings.max_token_lifetime_seconds} seconds "
            "(MAX_TOKEN_LIFETIME_SECONDS)."
        )
    claims: dict[str, Any] = {
        "sub": user.username,
        "iss": settings.jwt_issuer,
        "iat": issued_at,
        "exp": issued_at + timedelta(seconds=ttl),
    }
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, signing_key(settings), algorithm=settings.jwt_algorithm)


def decode_token(token: str, settings: Settings) -> dict[str, Any]:
    """The token's claims once its signature, expiry, lifetime, issuer (and audience) are
    checked."""
    claims = _verified_claims(token, settings)
    # A long-lived token that leaks stays usable for long: refuse those (iat, when present,
    # is checked by PyJWT to be a number in the past).
    start = claims.get("iat", datetime.now(UTC).timestamp())
    if float(claims["exp"]) - float(start) > settings.max_token_lifetime_seconds:
        raise AuthenticationError(
            f"The token lives longer than the {settings.max_token_lifetime_seconds} seconds "
            "allowed."
        )
    return claims


def _verified_claims(token: str, settings: Settings) -> dict[str, Any]:
    try:
        return jwt.decode(
            token,
            verification_key(settings),
            # Only the configured algorithm: a token may not choose how it is verified.
            algorithms=[settings.jwt_algorithm],
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            options={"require": _REQUIRED_CLAIMS, "verify_aud": bool(settings.jwt_audience)},
        )
    except jwt.ExpiredSignatureError as error:
        raise AuthenticationError("The token has expired.") from error
    except jwt.InvalidSignatureError as error:
        raise AuthenticationError("The token's signature is not valid.") from error
    except jwt.InvalidIssuerError as error:
        raise AuthenticationError("The token was issued by someone else.") from error
    except jwt.MissingRequiredClaimError as error:
        raise AuthenticationError(f"The token has no `{error.claim}` claim.") from error
    except jwt.InvalidTokenError as error:
        raise AuthenticationError("The token is malformed or not valid.") from error
