"""JSON values from clients (a line item's characteristics): bounded when they come in, and
shown safely whatever is stored.

The bounds (services/limits.py) keep a value readable by every JSON encoder and client: orjson,
which encodes the responses, refuses integers beyond 64 bits and more than 254 levels in a
whole response; PostgreSQL's jsonb refuses NUL and non-finite numbers; JavaScript clients read
integers beyond 53 bits inexactly, but a partner's ids of 64 bits are common enough to allow.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, TypeAlias

import orjson

from services.errors import ValidationError
from services.inputs import NOT_IN_FREE_TEXT
from services.limits import (
    MAX_CHARACTERISTICS_BYTES,
    MAX_CHARACTERISTICS_DEPTH,
    MAX_JSON_INTEGER,
    MIN_JSON_INTEGER,
)

_SURROGATE = re.compile("[\ud800-\udfff]")

# Any JSON value, as a client sends it and a response shows it.
JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"


def checked_object(value: object, *, field: str, what: str) -> dict[str, Any]:
    """A JSON object within the bounds of services/limits.py: at most 16 levels deep, 16 KB
    encoded, integers within 64 bits, finite numbers, strings without control characters
    (other than tab and line breaks) or lone surrogates."""
    if not isinstance(value, Mapping):
        raise ValidationError(f"{what} must be an object with string keys.", field=field)
    checked_value(value, field=field, what=what)
    return dict(value)


def checked_value(
    value: object, *, field: str, what: str, max_bytes: int = MAX_CHARACTERISTICS_BYTES
) -> JsonValue:
    """Any JSON value (null included) within the same bounds, at most `max_bytes` encoded."""
    # Walked without recursion: a value arrives nested as deep as the parser allowed.
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, Mapping | list):
            if depth > MAX_CHARACTERISTICS_DEPTH:
                raise ValidationError(
                    f"{what} may be nested at most {MAX_CHARACTERISTICS_DEPTH} levels deep.",
                    field=field,
                )
            if isinstance(item, Mapping):
                for key in item:
                    if not isinstance(key, str):
                        raise ValidationError(f"{what} must have string keys.", field=field)
                    _json_string(key, field=field, what=what)
                children: list[object] = list(item.values())
            else:
                children = item
            pending.extend((child, depth + 1) for child in children)
        elif isinstance(item, str):
            _json_string(item, field=field, what=what)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not MIN_JSON_INTEGER <= item <= MAX_JSON_INTEGER:
                raise ValidationError(f"{what} may hold integers of 64 bits only.", field=field)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ValidationError(f"{what} may hold finite numbers only.", field=field)
        else:
            raise ValidationError(f"{what} must be JSON.", field=field)
    if len(orjson.dumps(value)) > max_bytes:
        raise ValidationError(f"{what} may take at most {max_bytes} bytes as JSON.", field=field)
    return value  # type: ignore[return-value]  # walked above: JSON all the way down


def _json_string(text: str, *, field: str, what: str) -> None:
    if NOT_IN_FREE_TEXT.search(text):
        raise ValidationError(f"{what} may not contain control characters.", field=field)


def shown(value: object, depth: int = 1) -> object:
    """A stored value as a response can always encode it. Values stored before the bounds
    existed may break them: a container deeper than the bound is shown as null, an integer
    beyond 64 bits as its digits, a non-finite number as null, a lone surrogate as U+FFFD."""
    if isinstance(value, Mapping):
        if depth > MAX_CHARACTERISTICS_DEPTH:
            return None
        return {str(key): shown(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        if depth > MAX_CHARACTERISTICS_DEPTH:
            return None
        return [shown(item, depth + 1) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if MIN_JSON_INTEGER <= value <= MAX_JSON_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    return str(value)
