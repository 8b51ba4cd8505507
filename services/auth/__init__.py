"""Authentication: bearer tokens (JWT) in, the acting user out."""

from services.auth.authenticate import authenticate
from services.auth.errors import AuthenticationError
from services.auth.tokens import decode_token, issue_token

__all__ = ["AuthenticationError", "authenticate", "decode_token", "issue_token"]
