"""Keyset pages over a queryset: cursors are row ids, so a page never shifts when rows are added."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class PageRequest:
    first: int
    # The id of the last row the client has seen; the page starts after it.
    after: int | None = None


@dataclass(frozen=True)
class Page(Generic[M]):
    rows: list[M]
    has_next_page: bool
    has_previous_page: bool
    # The number of rows matching the query, counted only if someone asks.
    count: Callable[[], Awaitable[int]]


async def paginate(queryset: QuerySet[M], request: PageRequest, *, newest_first: bool) -> Page[M]:
    """One page of `queryset` in id order (descending when `newest_first`)."""
    window = queryset
    if request.after is not None:
        after = request.after
        window = window.filter(id__lt=after) if newest_first else window.filter(id__gt=after)
    rows = await window.order_by("-id" if newest_first else "id").limit(request.first + 1)
    return Page(
        rows=rows[: request.first],
        has_next_page=len(rows) > request.first,
        has_previous_page=request.after is not None,
        count=queryset.count,
    )
