"""Writing the changed task rows of a schedule in one statement, whatever their number.

Why not Tortoise's `bulk_update`: it sends `SET col = CASE WHEN id=? THEN ? … END` for every
column, two parameters per row and column, so an 800-task order's first schedule needs ~14,000
parameters, batches to stay under the drivers' limits, and a statement count that grows with
the order (the approval's statement count must not: tests/services/orders/test_decomposition.py).
Here the rows travel as one parameter per column on PostgreSQL (arrays, `unnest`) and as one
JSON document on SQLite (`json_each`), so a change writes its schedule in one statement.

SQLite stores a datetime as Tortoise's driver adapter writes it (`isoformat(" ")`) and a boolean
as 0/1; the values here are written the same way, so the rows read back as if saved by Tortoise.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise import connections

# (id, planned_start_at, planned_end_at, due_at, slack_minutes, on_critical_path, jeopardy,
#  jeopardy_reason, lateness_minutes)
TaskScheduleRow = tuple[
    int,
    datetime | None,
    datetime | None,
    datetime | None,
    int | None,
    bool,
    str,
    str,
    int,
]

_COLUMNS = (
    "planned_start_at",
    "planned_end_at",
    "due_at",
    "slack_minutes",
    "on_critical_path",
    "jeopardy",
    "jeopardy_reason",
    "lateness_minutes",
)
_POSTGRES_TYPES = (
    "timestamptz",
    "timestamptz",
    "timestamptz",
    "int",
    "bool",
    "varchar",
    "varchar",
    "int",
)

_SET = ", ".join(f"{column} = v.{column}" for column in _COLUMNS)
_POSTGRES = (
    f"UPDATE task SET {_SET} FROM unnest($1::int[], "
    + ", ".join(f"${i + 2}::{t}[]" for i, t in enumerate(_POSTGRES_TYPES))
    + f") AS v(id, {', '.join(_COLUMNS)}) WHERE task.id = v.id"
)
_SQLITE = (
    "UPDATE task SET "
    + ", ".join(
        f"{column} = json_extract(v.value, '$[{i + 1}]')" for i, column in enumerate(_COLUMNS)
    )
    + " FROM json_each(?) AS v WHERE task.id = json_extract(v.value, '$[0]')"
)


async def write_task_schedules(rows: Sequence[TaskScheduleRow]) -> None:
    if not rows:
        return
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        columns: list[list[Any]] = [list(column) for column in zip(*rows, strict=True)]
        await connection.execute_query(_POSTGRES, columns)
    else:
        await connection.execute_query(_SQLITE, [json.dumps([_sqlite(row) for row in rows])])


def _sqlite(row: TaskScheduleRow) -> list[Any]:
    return [
        value.isoformat(" ")
        if isinstance(value, datetime)
        else int(value)
        if isinstance(value, bool)
        else value
        for value in row
    ]
