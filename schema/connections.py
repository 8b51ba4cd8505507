"""Cursor connections: `{ totalCount pageInfo edges { cursor node } }`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Generic, TypeVar

import strawberry
from tortoise.models import Model

from services.queries.counting import EXACT_COUNT_LIMIT, TotalCount
from services.queries.pagination import Page

T = TypeVar("T")
M = TypeVar("M", bound=Model)

First = Annotated[
    int | None, strawberry.argument(description="How many: 50 unless given, at most 100.")
]
After = Annotated[
    str | None, strawberry.argument(description="The cursor of the edge to read on from.")
]


@strawberry.type(description="Where this page sits in its list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` to read on from this edge.")
    node: T


@strawberry.type
class Connection(Generic[T]):
    page_info: PageInfo
    edges: list[Edge[T]]
    count: strawberry.Private[Callable[[], Awaitable[TotalCount]]]

    @strawberry.field(
        description=(
            "How many objects the whole list holds, over all pages: exact up to "
            f"{EXACT_COUNT_LIMIT:,}; beyond, on PostgreSQL, the database's estimate from its "
            "statistics (`totalCountExact` is then false). Costs at most that many index "
            "entries read, whatever the list's size; worked out only when asked for."
        )
    )
    async def total_count(self) -> int:
        return (await self.count()).value

    @strawberry.field(description="Whether `totalCount` is exact rather than an estimate.")
    async def total_count_exact(self) -> bool:
        return (await self.count()).exact


def connection(page: Page[M], cursor: Callable[[int], str]) -> Connection[M]:
    edges = [Edge(cursor=cursor(int(row.pk)), node=row) for row in page.rows]
    return Connection(
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
        count=page.count,
    )
