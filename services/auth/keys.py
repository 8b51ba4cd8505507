"""The keys tokens are signed and verified with.

HS256 uses one shared secret: JWT_SECRET, or else a random secret generated on first use and
kept in the data folder, so that every process of one installation agrees on it and restarts
keep issued tokens valid. There is no built-in default secret. RS256 verifies tokens of an
external identity provider with its public key; this service never holds the private key.
"""

from __future__ import annotations

import os
import secrets
from functools import cache
from pathlib import Path

from services.auth.errors import AuthenticationError
from services.settings import Settings

SECRET_FILE_NAME = "jwt_secret"


def signing_key(settings: Settings) -> str:
    if settings.jwt_algorithm != "HS256":
        raise AuthenticationError(
            f"Tokens for {settings.jwt_algorithm} come from the identity provider; "
            "this service only verifies them."
        )
    return settings.jwt_secret or local_secret(settings.data_dir)


def verification_key(settings: Settings) -> str:
    if settings.jwt_algorithm == "HS256":
        return settings.jwt_secret or local_secret(settings.data_dir)
    if not settings.jwt_public_key:
        raise AuthenticationError("JWT_PUBLIC_KEY is not configured.")
    return settings.jwt_public_key


@cache
def local_secret(data_dir: Path) -> str:
    """The installation's generated secret, created once in `data_dir`."""
    path = data_dir / SECRET_FILE_NAME
    if path.exists():
        return _read(path)
    data_dir.mkdir(parents=True, exist_ok=True)
    # Write a private temporary file, then hard-link it into place: the link fails if another
    # process won the race, and nobody ever reads a half-written secret.
    temporary = data_dir / f".{SECRET_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return _read(path)


def _read(path: Path) -> str:
    secret = path.read_text().strip()
    if not secret:
        raise AuthenticationError(f"The secret in {path} is empty; delete the file.")
    return secret
