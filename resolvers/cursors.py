"""Connection cursors: opaque to clients, the id of the last row seen to the server.

History cursors are event cursors (see below).
"""

from __future__ import annotations

import base64
import binascii

from services.errors import ValidationError

_PREFIX = "cursor:"


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{row_id}".encode()).decode()


def decode_cursor(cursor: str, *, field: str = "after") -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    number = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not number.isdigit() or len(number) > 18:
        raise ValidationError("Not a cursor of this list.", field=field)
    return int(number)


# An order's history is paged by event id with the event stream's cursors (the same text as
# services/events/cursor.py writes), so a history cursor can resume a subscription.
_EVENT_PREFIX = "event:"


def encode_event_cursor(event_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_EVENT_PREFIX}{event_id}".encode()).decode()


def decode_event_cursor(cursor: str, *, field: str = "after") -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    number = text.removeprefix(_EVENT_PREFIX)
    if not text.startswith(_EVENT_PREFIX) or not number.isdigit() or len(number) > 18:
        raise ValidationError("Not an event cursor.", field=field)
    return int(number)
