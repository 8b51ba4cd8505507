"""Baseline (b)'s statements: the SQL the plan query runs through Tortoise (the same tables,
joins, filters, ordering and columns), written by hand and sent straight to the driver.

Placeholders differ by driver (`?` for SQLite, `$n` for asyncpg), so each statement is built
for the connection's dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise import connections

USER_COLUMNS = ("id", "username", "display_name", "roles", "is_active", "created_at")
SPECIFICATION_COLUMNS = (
    "id",
    "code",
    "name",
    "kind",
    "domain",
    "description",
    "depends_on_characteristics",
)
GROUP_COLUMNS = ("id", "name", "description")


def _columns(table: str, names: Sequence[str], prefix: str | None = None) -> str:
    if prefix is None:
        return ",".join(f'"{table}"."{name}"' for name in names)
    return ",".join(f'"{table}"."{name}" "{prefix}.{name}"' for name in names)


class Statements:
    """The statements for one dialect."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def _marks(self, count: int, start: int = 1) -> str:
        if self.dialect == "sqlite":
            return ",".join("?" * count)
        return ",".join(f"${n}" for n in range(start, start + count))

    def user_by_username(self) -> str:
        return (
            f'SELECT {_columns("app_user", USER_COLUMNS)} FROM "app_user" '
            f'WHERE "username"={self._marks(1)} ORDER BY "username" LIMIT {self._marks(1, 2)}'
        )

    def users_by_id(self, count: int) -> str:
        return (
            f'SELECT {_columns("app_user", USER_COLUMNS)} FROM "app_user" '
            f'WHERE "id" IN ({self._marks(count)}) ORDER BY "username"'
        )

    def order(self) -> str:
        return (
            'SELECT "id","number","external_id","customer","priority","requested_completion_date",'
            '"state","version","revision","held_from","held_at","held_seconds","submitted_by_id",'
            '"decided_by_id","decided_at","decision_reason","tasks_total","tasks_done",'
            '"expected_completion_at","jeopardy","jeopardy_reason","lateness_minutes",'
            '"next_jeopardy_check_at","scheduled_at","created_at","updated_at","completed_at",'
            '"point_of_no_return_reached_at" '
            f'FROM "service_order" WHERE "id" IN ({self._marks(1)}) ORDER BY "id" DESC'
        )

    def line_items(self) -> str:
        columns = (
            "id",
            "service_order_id",
            "position",
            "action",
            "specification_id",
            "characteristics",
            "quantity",
            "state",
            "tasks_total",
            "tasks_done",
            "point_of_no_return_reached_at",
            "cancelled_at",
            "cancellation_reason",
            "failed_at",
            "failure_reason",
            "changed_product_id",
        )
        return (
            f"SELECT {_columns('line_item', columns)},"
            f"{_columns('s', SPECIFICATION_COLUMNS, 'specification')} "
            'FROM "line_item" LEFT OUTER JOIN "service_specification" "s" '
            'ON "s"."id"="line_item"."specification_id" '
            f'WHERE "line_item"."service_order_id" IN ({self._marks(1)}) '
            'ORDER BY "line_item"."position","line_item"."id"'
        )

    def sold_products(self, count: int) -> str:
        """The products created by these line items (an ADD's)."""
        return self._sold_products(f'"sold_product"."line_item_id" IN ({self._marks(count)})')

    def sold_products_by_id(self, count: int) -> str:
        """The products a MODIFY or DELETE item changes (`changed_product_id`)."""
        return self._sold_products(f'"sold_product"."id" IN ({self._marks(count)})')

    def _sold_products(self, where: str) -> str:
        columns = (
            "id",
            "line_item_id",
            "specification_id",
            "customer",
            "state",
            "characteristics",
            "created_at",
            "activated_at",
            "terminated_at",
        )
        return (
            f"SELECT {_columns('sold_product', columns)},"
            f"{_columns('s', SPECIFICATION_COLUMNS, 'specification')} "
            'FROM "sold_product" LEFT OUTER JOIN "service_specification" "s" '
            'ON "s"."id"="sold_product"."specification_id" '
            f"WHERE {where}"
        )

    def domain_orders(self) -> str:
        columns = (
            "id",
            "number",
            "service_order_id",
            "line_item_id",
            "parent_id",
            "specification_id",
            "kind",
            "state",
            "depth",
            "position",
            "tasks_total",
            "tasks_done",
            "own_tasks_total",
            "own_tasks_done",
            "cancelled_at",
        )
        return (
            f"SELECT {_columns('domain_order', columns)},"
            f"{_columns('s', SPECIFICATION_COLUMNS, 'specification')} "
            'FROM "domain_order" LEFT OUTER JOIN "service_specification" "s" '
            'ON "s"."id"="domain_order"."specification_id" '
            f'WHERE "domain_order"."service_order_id" IN ({self._marks(1)}) '
            'ORDER BY "domain_order"."position","domain_order"."id"'
        )

    def tasks(self) -> str:
        columns = (
            "id",
            "number",
            "name",
            "template_id",
            "domain_order_id",
            "service_order_id",
            "state",
            "priority",
            "assignment_group_id",
            "assignee_id",
            "expected_duration_minutes",
            "due_at",
            "attempts",
            "deferred_outcome",
            "kind",
            "handler",
            "max_attempts",
            "backoff_seconds",
            "backoff_max_seconds",
            "lock_seconds",
            "next_attempt_at",
            "locked_by",
            "lock_expires_at",
            "last_error",
            "output",
            "input",
            "is_point_of_no_return",
            "compensates_id",
            "version",
            "position",
            "created_at",
            "updated_at",
            "started_at",
            "completed_at",
            "planned_start_at",
            "planned_end_at",
            "slack_minutes",
            "on_critical_path",
            "jeopardy",
            "jeopardy_reason",
            "lateness_minutes",
        )
        return (
            f'SELECT {_columns("task", columns)} FROM "task" '
            f'WHERE "task"."service_order_id" IN ({self._marks(1)}) ORDER BY "task"."id"'
        )

    def group_ids_of_user(self) -> str:
        return (
            'SELECT "assignmentgroup_id" FROM "user_assignment_group" '
            f'WHERE "app_user_id"={self._marks(1)}'
        )

    def groups_by_id(self, count: int) -> str:
        return (
            f'SELECT {_columns("assignment_group", GROUP_COLUMNS)} FROM "assignment_group" '
            f'WHERE "id" IN ({self._marks(count)})'
        )

    def task_links(self) -> str:
        return (
            'SELECT "t"."service_order_id","task_dependency"."task_id",'
            '"task_dependency"."depends_on_id" FROM "task_dependency" '
            'LEFT OUTER JOIN "task" "t" ON "t"."id"="task_dependency"."task_id" '
            f'WHERE "t"."service_order_id" IN ({self._marks(1)})'
        )

    def fallouts(self) -> str:
        columns = (
            "id",
            "number",
            "type",
            "description",
            "priority",
            "state",
            "task_id",
            "service_order_id",
            "assignee_id",
            "created_by_id",
            "resolution_action",
            "resolution_note",
            "resolved_by_id",
            "resolved_at",
            "version",
            "created_at",
            "updated_at",
        )
        users = ",".join(
            _columns(alias, USER_COLUMNS, alias) for alias in ("assignee", "creator", "resolver")
        )
        return (
            f'SELECT {_columns("fallout_record", columns)},{users} FROM "fallout_record" '
            'LEFT OUTER JOIN "app_user" "creator" '
            'ON "creator"."id"="fallout_record"."created_by_id" '
            'LEFT OUTER JOIN "app_user" "assignee" '
            'ON "assignee"."id"="fallout_record"."assignee_id" '
            'LEFT OUTER JOIN "app_user" "resolver" '
            'ON "resolver"."id"="fallout_record"."resolved_by_id" '
            f'WHERE "fallout_record"."service_order_id" IN ({self._marks(1)}) '
            'ORDER BY "fallout_record"."id" DESC'
        )

    def events(self, after: bool) -> str:
        where = f'"service_order_id"={self._marks(1)}'
        if after:
            where += f' AND "id">{self._marks(1, 2)}'
        limit = self._marks(1, 3 if after else 2)
        return (
            'SELECT "id","occurred_at","kind","entity_type","entity_id","service_order_id",'
            f'"actor_id","previous_state","new_state","payload" FROM "event" WHERE {where} '
            f'ORDER BY "id" LIMIT {limit}'
        )


async def fetch(sql: str, values: Sequence[Any]) -> Sequence[Any]:
    """The rows of one statement, as the driver returns them (mappings by column name)."""
    _, rows = await connections.get("default").execute_query(sql, list(values))
    found: Sequence[Any] = rows
    return found


def dialect() -> str:
    return str(connections.get("default").capabilities.dialect)
