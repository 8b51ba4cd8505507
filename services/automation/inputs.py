"""Reading a worker's input: its id, the handlers it serves, counts and durations, its error
and its output — each bounded by services/limits.py, each refused with VALIDATION."""

from __future__ import annotations

from collections.abc import Sequence

from models.enums import FalloutType
from services.errors import ValidationError
from services.inputs import optional_text, required_text
from services.json_values import JsonValue, checked_value
from services.limits import (
    HANDLER,
    MAX_FETCH_HANDLERS,
    MAX_OUTPUT_BYTES,
    WORKER_ERROR,
    WORKER_ID,
)


def worker_id_of(value: str) -> str:
    return required_text(value, field="workerId", what="A worker id", bound=WORKER_ID)


def handlers_of(values: Sequence[str]) -> list[str]:
    if not values:
        raise ValidationError("Name at least one handler.", field="handlers")
    if len(values) > MAX_FETCH_HANDLERS:
        raise ValidationError(
            f"Name at most {MAX_FETCH_HANDLERS} handlers at a time.", field="handlers"
        )
    return sorted(
        {required_text(v, field="handlers", what="A handler", bound=HANDLER) for v in values}
    )


def count_of(value: int, *, field: str, what: str, most: int) -> int:
    if isinstance(value, bool) or not 1 <= value <= most:
        raise ValidationError(f"{what} must be between 1 and {most}.", field=field)
    return value


def error_of(value: str) -> str:
    return required_text(value, field="error", what="The error", bound=WORKER_ERROR)


def error_type_of(value: str | None) -> FalloutType:
    """The fallout type a final failure opens: the worker's word for it, PROVISIONING_FAILURE
    when it says nothing (a system doing the provisioning failed)."""
    text = optional_text(value, field="errorType", what="The error type", bound=HANDLER)
    if text is None:
        return FalloutType.PROVISIONING_FAILURE
    try:
        return FalloutType(text.upper())
    except ValueError:
        raise ValidationError(
            f"The error type is one of {', '.join(FalloutType)}.", field="errorType"
        ) from None


def output_of(value: JsonValue) -> JsonValue:
    return checked_value(value, field="output", what="The output", max_bytes=MAX_OUTPUT_BYTES)
