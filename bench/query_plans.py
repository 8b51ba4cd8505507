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
