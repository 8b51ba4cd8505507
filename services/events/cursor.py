"""Event cursors: opaque to clients, an event id to the server.

Subscriptions resume after one (`after:`), and an order's history pages with the same cursors,
so a client can read the history and then subscribe from where it stopped.
"""

from __future__ import annotations

from services.cursors import decode_prefixed, encode_prefixed
from services.limits import MAX_EVENT_ID

_PREFIX = "event:"


def encode_cursor(event_id: int) -> str:
    return encode_prefixed(_PREFIX, event_id)


def decode_cursor(cursor: str, *, field: str = "after") -> int:
    return decode_prefixed(
        _PREFIX, cursor, max_id=MAX_EVENT_ID, field=field, message="Not an event cursor."
    )
