"""Authentication: bearer tokens (JWT) in, the acting user out."""

from services.auth.authenticate import (
    NOT_ACTIVE,
    Credentials,
    active_users,
    authenticate,
    authenticate_credentials,
)
from services.auth.errors import AuthenticationError
from services.auth.tokens import decode_token, issue_token

__all__ = [
    "NOT_ACTIVE",
    "AuthenticationError",
    "Credentials",
    "active_users",
    "authenticate",
    "authenticate_credentials",
    "decode_token",
    "issue_token",
]
