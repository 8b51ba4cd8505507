"""Connection cursors: opaque to clients, the id of the last row seen to the server.

An order's history pages with event cursors (services/events/cursor.py), so that a history
cursor can resume a subscription.
"""

from __future__ import annotations

from services.cursors import decode_prefixed, encode_prefixed
from services.events.cursor import decode_cursor as decode_event_cursor
from services.events.cursor import encode_cursor as encode_event_cursor
from services.limits import MAX_ROW_ID

_PREFIX = "cursor:"


def encode_cursor(row_id: int) -> str:
    return encode_prefixed(_PREFIX, row_id)


def decode_cursor(cursor: str, *, field: str = "after") -> int:
    return decode_prefixed(
        _PREFIX, cursor, max_id=MAX_ROW_ID, field=field, message="Not a cursor of this list."
    )


__all__ = ["decode_cursor", "decode_event_cursor", "encode_cursor", "encode_event_cursor"]
