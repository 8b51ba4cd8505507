"""Reading an order's tasks for its schedule, and writing the changed rows back in one
statement, whatever their number: the schedule runs in the transaction of every change, so
this is its hot path (bench/reschedule.py).

Reading: plain SQL, not Tortoise's `values()`, which converts every value through its field
(on SQLite, each datetime through iso8601: two thirds of a recompute's time on an 800-task
order); here a datetime is parsed by `datetime.fromisoformat` on SQLite and arrives parsed
from asyncpg.

Writing:
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
from typing import Any, NamedTuple

from tortoise import connections

from models.enums import JeopardyLevel, TaskState


class StoredTask(NamedTuple):
    """A task row as the schedule reads it: its facts, and its schedule as last written."""

    id: int
    number: str
    state: TaskState
    expected_duration_minutes: int
    started_at: datetime | None
    completed_at: datetime | None
    assignee_id: int | None
    version: int
    attempts: int
    domain_order_id: int
    service_order_id: int
    next_attempt_at: datetime | None
    # As last written, in the order of SCHEDULE_COLUMNS.
    schedule: tuple[Any, ...]

    @property
    def jeopardy(self) -> JeopardyLevel:
        return JeopardyLevel(self.schedule[5])


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

_FACTS = (
    "id",
    "number",
    "state",
    "expected_duration_minutes",
    "started_at",
    "completed_at",
    "assignee_id",
    "version",
    "attempts",
    "domain_order_id",
    "service_order_id",
    "next_attempt_at",
)
SCHEDULE_COLUMNS = (
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

_SET = ", ".join(f"{column} = v.{column}" for column in SCHEDULE_COLUMNS)
_POSTGRES = (
    f"UPDATE task SET {_SET} FROM unnest($1::int[], "
    + ", ".join(f"${i + 2}::{t}[]" for i, t in enumerate(_POSTGRES_TYPES))
    + f") AS v(id, {', '.join(SCHEDULE_COLUMNS)}) WHERE task.id = v.id"
)
_SQLITE = (
    "UPDATE task SET "
    + ", ".join(
        f"{column} = json_extract(v.value, '$[{i + 1}]')"
        for i, column in enumerate(SCHEDULE_COLUMNS)
    )
    + " FROM json_each(?) AS v WHERE task.id = json_extract(v.value, '$[0]')"
)


_SELECT = f"SELECT {', '.join((*_FACTS, *SCHEDULE_COLUMNS))} FROM task WHERE service_order_id = "
_EDGES = (
    "SELECT d.task_id, d.depends_on_id FROM task_dependency AS d"
    " JOIN task AS t ON t.id = d.task_id WHERE t.service_order_id = "
)
# Positions of the datetimes and the boolean in a row read by _SELECT.
_DATETIME_AT = (4, 5, 11, 12, 13, 14)
_BOOLEAN_AT = 16
_SCHEDULE_AT = len(_FACTS)


async def read_tasks(order_id: int) -> tuple[list[StoredTask], list[tuple[int, int]]]:
    """The order's tasks, in id order, and its edges as (task id, id of the task it waits on)."""
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    mark = "$1" if postgres else "?"
    _, rows = await connection.execute_query(f"{_SELECT}{mark} ORDER BY id", [order_id])
    _, edges = await connection.execute_query(f"{_EDGES}{mark}", [order_id])
    tasks = []
    for row in rows:
        values = list(row)
        if not postgres:
            for at in _DATETIME_AT:
                if values[at] is not None:
                    values[at] = datetime.fromisoformat(values[at])
            values[_BOOLEAN_AT] = bool(values[_BOOLEAN_AT])
        values[2] = TaskState(values[2])
        tasks.append(StoredTask._make([*values[:_SCHEDULE_AT], tuple(values[_SCHEDULE_AT:])]))
    return tasks, [(int(edge[0]), int(edge[1])) for edge in edges]


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
