"""Why a request could not be tied to a user."""

from __future__ import annotations


class AuthenticationError(Exception):
    """The request carries no usable credentials. The message is safe to show the client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
