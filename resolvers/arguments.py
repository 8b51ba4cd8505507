"""Reading query arguments: page bounds, cursors and ids, refused as GraphQL errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tortoise.models import Model

from models import User
from resolvers.context import Context
from resolvers.cursors import decode_cursor
from resolvers.errors import ApiError, invalid_argument
from resolvers.global_ids import decode_id
from services.errors import DomainError
from services.inputs import optional_text
from services.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, TextBound
from services.queries.pagination import PageRequest

M = TypeVar("M", bound=Model)

ME = "me"


def page_request(
    first: int | None, after: str | None, *, decode: Callable[..., int] = decode_cursor
) -> PageRequest:
    """`first` defaults to 50 and may not exceed 100; `after` is a cursor of the same list."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise ApiError(
            f"`first` must be between 0 and {MAX_PAGE_SIZE} (it was {size}).", code="VALIDATION"
        )
    try:
        return PageRequest(first=size, after=None if after is None else decode(after))
    except DomainError as error:
        raise invalid_argument(error) from error


def filter_id(value: str | None, model: type[M], *, field: str) -> int | None:
    if value is None:
        return None
    try:
        return decode_id(value, model, field=field)
    except DomainError as error:
        raise invalid_argument(error) from error


def filter_text(value: str | None, *, field: str, bound: TextBound) -> str | None:
    """A text a list is filtered by, within the bounds of the column it is compared with."""
    if value is None:
        return None
    try:
        # A blank filter matches what it says (nothing), not everything.
        return optional_text(value, field=field, what=f"The {field} filter", bound=bound) or ""
    except DomainError as error:
        raise invalid_argument(error) from error


def user_filter(context: Context, value: str | None, *, field: str) -> int | None:
    """A user id, or `me` for the reader."""
    if value is not None and value.strip().lower() == ME:
        return context.actor.id
    return filter_id(value, User, field=field)
