"""How PostgreSQL runs the statements an operation sends: each captured statement (with its
arguments) under `EXPLAIN (FORMAT JSON)`, and the tables its plan reads sequentially.

EXPLAIN without ANALYZE plans a statement and runs nothing, so an INSERT or UPDATE can be
asked about after it was sent. The plan is the planner's real choice for the data as it is:
no planner setting is changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tortoise import connections

from bench.statements import Statement

_PLANNED = ("select", "insert", "update", "delete", "with")


@dataclass(frozen=True)
class SequentialScan:
    table: str
    sql: str


async def query_plan(statement: Statement) -> dict[str, Any]:
    """The top node of the statement's plan, on the default connection."""
    rows = await connections.get("default").execute_query_dict(
        f"EXPLAIN (FORMAT JSON) {statement.sql}", list(statement.args)
    )
    plan = rows[0]["QUERY PLAN"]
    document = json.loads(plan) if isinstance(plan, str) else plan
    top: dict[str, Any] = document[0]["Plan"]
    return top


def plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from plan_nodes(child)


async def rows_read(statement: Statement, table: str) -> int:
    """How many rows (or index entries) of `table` running the SELECT `statement` reads: each
    scan's rows returned and removed by its filter, times its loops (EXPLAIN ANALYZE: the
    statement runs)."""
    rows = await connections.get("default").execute_query_dict(
        f"EXPLAIN (ANALYZE, FORMAT JSON) {statement.sql}", list(statement.args)
    )
    plan = rows[0]["QUERY PLAN"]
    document = json.loads(plan) if isinstance(plan, str) else plan
    read = 0
    for node in plan_nodes(document[0]["Plan"]):
        if node.get("Relation Name") == table:
            per_loop = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            read += int(per_loop * node["Actual Loops"])
    return read


@dataclass(frozen=True)
class SqliteStep:
    detail: str  # e.g. "SEARCH sold_product USING INDEX … (customer=?)"
    in_subquery: bool  # a step of a subquery (an IN list, built once), not of the outer query


async def sqlite_query_plan(statement: Statement) -> list[SqliteStep]:
    """The steps of SQLite's plan for `statement` (EXPLAIN QUERY PLAN: nothing runs). Its
    arguments were not captured; SQLite plans without reading them, so NULLs stand in."""
    _, rows = await connections.get("default").execute_query(
        f"EXPLAIN QUERY PLAN {statement.sql}", [None] * statement.sql.count("?")
    )
    inside: set[int] = set()
    steps = []
    for row in rows:
        detail = str(row["detail"])
        nested = row["parent"] in inside
        if nested or "SUBQUERY" in detail:
            inside.add(row["id"])
        steps.append(SqliteStep(detail, nested))
    return steps


async def sequential_scans(
    statements: Iterable[Statement], tables: Iterable[str]
) -> list[SequentialScan]:
    """Where a plan of `statements` reads one of `tables` from end to end."""
    watched = set(tables)
    found = []
    for statement in statements:
        if statement.backend != "postgres":
            continue
        if not statement.sql.lstrip().lower().startswith(_PLANNED):
            continue
        for node in plan_nodes(await query_plan(statement)):
            table = node.get("Relation Name")
            if node["Node Type"] == "Seq Scan" and table in watched:
                found.append(SequentialScan(table, statement.sql))
    return found
