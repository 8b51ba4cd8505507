"""Opaque cursors: a prefix naming what the id counts, and a row id, base64-encoded.

Clients treat them as opaque strings; the prefix keeps a cursor of one list from being
accepted by another. A cursor has one encoding (only what `encode_prefixed` writes decodes) and
names an id within the range of the key it counts (services/limits.py), so that no cursor can
overflow a query's parameter.
"""

from __future__ import annotations

import base64
import binascii

from services.errors import ValidationError


def encode_prefixed(prefix: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{prefix}{row_id}".encode()).decode()


def decode_prefixed(prefix: str, cursor: str, *, max_id: int, field: str, message: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    number = text.removeprefix(prefix)
    canonical = (
        text.startswith(prefix)
        and number.isascii()
        and number.isdigit()
        and len(number) <= len(str(max_id))
        and int(number) <= max_id
        and encode_prefixed(prefix, int(number)) == cursor
    )
    if not canonical:
        raise ValidationError(message, field=field)
    return int(number)
