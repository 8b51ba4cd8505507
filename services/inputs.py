"""Reading a transition's inputs: free text, and the ids of the other objects it names.

Every note, reason, description and other free text a service takes passes through
`optional_text` or `required_text`, so that a bound on text (length, characters) is added in
one place and holds for every input.
"""

from __future__ import annotations

from typing import TypeAlias

from services.errors import DomainError, ValidationError

# The key of an object an input names, or why the API layer could not decode it
# (resolvers/global_ids.py). The transition raises that error when it reaches its input
# checks, so that a bad id never outranks a refusal for permission or state
# (services/transitions.py).
InputId: TypeAlias = int | DomainError


def input_id(value: InputId) -> int:
    if isinstance(value, DomainError):
        raise value
    return value


def optional_text(
    value: str | None, *, field: str, what: str, max_length: int | None = None
) -> str | None:
    """Free text that may be left out: stripped, and None when blank."""
    return _text(value, field=field, what=what, max_length=max_length) or None


def required_text(
    value: str | None, *, field: str, what: str, max_length: int | None = None
) -> str:
    """Free text that must be given: stripped, and not blank."""
    text = _text(value, field=field, what=what, max_length=max_length)
    if not text:
        raise ValidationError(f"{what} is required.", field=field)
    return text


def _text(value: str | None, *, field: str, what: str, max_length: int | None) -> str:
    text = (value or "").strip()
    if max_length is not None and len(text) > max_length:
        raise ValidationError(f"{what} is longer than {max_length} characters.", field=field)
    return text
