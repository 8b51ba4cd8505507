"""Keyset pages over a queryset: cursors are row ids, so a page never shifts when rows are added."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from services.queries.counting import TotalCount, total_count

M = TypeVar("M", bound=Model)
T = TypeVar("T")


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
    # The number of rows matching the query (services/queries/counting.py), worked out only if
    # someone asks, and once however many ask.
    count: Callable[[], Awaitable[TotalCount]]


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
        count=_once(lambda: total_count(queryset)),
    )


async def paginate_by_lateness(queryset: QuerySet[M], request: PageRequest) -> Page[M]:
    """One page of `queryset` most late first (`lateness_minutes`, then the newest first).

    The cursor stays the id of the last row seen; its lateness is read back, so a page starts
    after it in (lateness, id) order. A row whose lateness changed between two pages may be
    seen twice or not at all, as in any list sorted by a value that changes.
    """
    window = queryset
    if request.after is not None:
        after = request.after
        found = await queryset.model.filter(id=after).values_list("lateness_minutes", flat=True)
        if found:
            late = found[0]
            window = window.filter(
                Q(lateness_minutes__lt=late) | Q(lateness_minutes=late, id__lt=after)
            )
        else:
            window = window.filter(id__lt=after)
    rows = await window.order_by("-lateness_minutes", "-id").limit(request.first + 1)
    return Page(
        rows=rows[: request.first],
        has_next_page=len(rows) > request.first,
        has_previous_page=request.after is not None,
        count=_once(lambda: total_count(queryset)),
    )


def _once(compute: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T]]:
    """`compute`, run on the first call; every call awaits that one run."""
    result: asyncio.Future[T] | None = None

    async def call() -> T:
        nonlocal result
        if result is None:
            result = asyncio.ensure_future(compute())
        return await result

    return call
