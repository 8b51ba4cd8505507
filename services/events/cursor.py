"""Event cursors: opaque to clients, an event id to the server."""

from __future__ import annotations

import base64
import binascii

from services.errors import ValidationError

_PREFIX = "event:"


def encode_cursor(event_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{event_id}".encode()).decode()


def decode_cursor(cursor: str, *, field: str = "after") -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    number = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not number.isdigit():
        raise ValidationError("Not an event cursor.", field=field)
    return int(number)
