"""Event cursors are opaque strings that decode back to the event id."""

from __future__ import annotations

import pytest

from services.errors import ValidationError
from services.events.cursor import decode_cursor, encode_cursor


def test_a_cursor_decodes_to_its_event_id() -> None:
    assert decode_cursor(encode_cursor(42)) == 42


def test_a_cursor_does_not_show_the_id() -> None:
    assert "42" not in encode_cursor(42)


@pytest.mark.parametrize("cursor", ["", "nonsense", "ZXZlbnQ6", "dGFzazox", "ZXZlbnQ6LTE="])
def test_a_malformed_cursor_is_a_validation_error_on_after(cursor: str) -> None:
    with pytest.raises(ValidationError) as error:
        decode_cursor(cursor)
    assert error.value.field == "after"
