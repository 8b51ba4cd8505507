"""Reading a transition's inputs: text, dates, and the ids of the other objects it names.

Every text a service takes (a note, reason, description, name, code) passes through
`optional_text` or `required_text` (and every JSON value through services/json_values.py), so
that the bounds of services/limits.py are added in one place and hold for every input.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import TypeAlias

from services.errors import DomainError, ValidationError
from services.limits import FREE_TEXT, TextBound

# The key of an object an input names, or why the API layer could not decode it
# (resolvers/global_ids.py). The transition raises that error when it reaches its input
# checks, so that a bad id never outranks a refusal for permission or state
# (services/transitions.py).
InputId: TypeAlias = int | DomainError

# C0 and C1 controls, DEL, lone surrogates; a single line also refuses the line separators.
NOT_IN_FREE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def input_id(value: InputId) -> int:
    if isinstance(value, DomainError):
        raise value
    return value


def optional_text(
    value: str | None, *, field: str, what: str, bound: TextBound = FREE_TEXT
) -> str | None:
    """Text that may be left out: stripped, and None when blank."""
    return _text(value, field=field, what=what, bound=bound) or None


def required_text(value: str | None, *, field: str, what: str, bound: TextBound = FREE_TEXT) -> str:
    """Text that must be given: stripped, and something a reader can see (not only spaces or
    invisible format characters)."""
    text = _text(value, field=field, what=what, bound=bound)
    if not any(_visible(character) for character in text):
        raise ValidationError(f"{what} is required.", field=field)
    return text


def _text(value: str | None, *, field: str, what: str, bound: TextBound) -> str:
    raw = value or ""
    forbidden = NOT_IN_FREE_TEXT if bound.multiline else _NOT_IN_A_LINE
    # Checked before stripping: a control character is refused wherever it is.
    if forbidden.search(raw):
        kind = "control characters" if bound.multiline else "control characters or line breaks"
        raise ValidationError(f"{what} may not contain {kind}.", field=field)
    text = raw.strip()
    if len(text) > bound.max_length:
        raise ValidationError(f"{what} is longer than {bound.max_length} characters.", field=field)
    return text


def _visible(character: str) -> bool:
    return not character.isspace() and unicodedata.category(character) != "Cf"


def utc_datetime(value: datetime | None, *, field: str) -> datetime | None:
    """A date as stored: in UTC (a date without a zone is read as UTC). One that leaves the
    calendar when moved to UTC (year 1 or 9999 with an offset) is not a date we can store."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationError("The date is out of range in UTC.", field=field) from None
