"""A list's totalCount at a cost that does not grow with the table.

`count(*)` reads every matching row (PostgreSQL keeps no row count), so on a table of millions
it would cost more than the page it comes with. Instead: whether the list holds more than
EXACT_COUNT_LIMIT rows is asked by reading at most that many index entries; if it does not, the
count is exact (and reads as many); if it does, the answer is PostgreSQL's own estimate for
the query, from the statistics ANALYZE and autovacuum keep (the planner's row estimate, as in
`EXPLAIN`; for an unfiltered list, `pg_class.reltuples` scaled to the table's size now),
never below the limit, and marked inexact. Rejected: an exact count on every page (seconds at
a few million rows), and a bare cap (a wrong number with no sign of how wrong). SQLite, the
embedded single-process default, has no estimate: there the count is exact at any size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)

EXACT_COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class TotalCount:
    value: int
    exact: bool


async def total_count(queryset: QuerySet[M]) -> TotalCount:
    """How many rows `queryset` holds: exact up to EXACT_COUNT_LIMIT, estimated beyond."""
    beyond = await queryset.offset(EXACT_COUNT_LIMIT).limit(1).values_list("id", flat=True)
    if not beyond:
        return TotalCount(await queryset.count(), exact=True)
    if queryset.model._meta.db.capabilities.dialect != "postgres":
        return TotalCount(await queryset.count(), exact=True)
    # asyncpg's rows: one, whose "QUERY PLAN" is the JSON text of the plan.
    rows = await queryset.explain()
    estimate = int(json.loads(rows[0]["QUERY PLAN"])[0]["Plan"]["Plan Rows"])
    return TotalCount(max(estimate, EXACT_COUNT_LIMIT + 1), exact=False)
