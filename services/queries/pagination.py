"""Keyset pages over a queryset: cursors are row ids, so a page never shifts when rows are added."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

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


def _once(compute: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T]]:
    """`compute`, run on the first call; every call awaits that one run."""
    result: asyncio.Future[T] | None = None

    async def call() -> T:
        nonlocal result
        if result is None:
            result = asyncio.ensure_future(compute())
        return await result

    return call
