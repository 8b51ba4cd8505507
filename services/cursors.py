"""Opaque cursors: a prefix naming what the id counts, and a row id, base64-encoded.

Clients treat them as opaque strings; the prefix keeps a cursor of one list from being
accepted by another.
"""

from __future__ import annotations

import base64
import binascii

from services.errors import ValidationError

# Ids are 64-bit at most: a longer number is not one of ours.
_MAX_DIGITS = 19


def encode_prefixed(prefix: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{prefix}{row_id}".encode()).decode()


def decode_prefixed(prefix: str, cursor: str, *, field: str, message: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    number = text.removeprefix(prefix)
    if not text.startswith(prefix) or not number.isdigit() or len(number) > _MAX_DIGITS:
        raise ValidationError(message, field=field)
    return int(number)
