"""Migrations upgrade a database that already holds orders, not only an empty one."""

import importlib
import pkgutil

import pytest
from tortoise.fields import Field
from tortoise.migrations import operations as ops

import models.migrations


def added_fields() -> list[tuple[str, ops.AddField]]:
    found = []
    for module in pkgutil.iter_modules(models.migrations.__path__):
        migration = importlib.import_module(f"models.migrations.{module.name}").Migration
        found += [(module.name, op) for op in migration.operations if isinstance(op, ops.AddField)]
    return found


@pytest.mark.parametrize(
    ("migration", "operation"),
    added_fields(),
    ids=lambda value: value if isinstance(value, str) else f"{value.model_name}.{value.name}",
)
def test_a_column_added_to_a_table_is_nullable_or_has_a_database_default(
    migration: str, operation: ops.AddField
) -> None:
    # Given a table that already has rows (any production database)
    # When the migration adds a NOT NULL column
    # Then the database must have a value for the existing rows: a Python-side `default`
    # is only applied to rows Tortoise inserts, and SQLite refuses the ALTER outright
    # ("Cannot add a NOT NULL column with default value NULL").
    field = operation.field
    assert isinstance(field, Field), f"{migration}: {operation.name} adds no column"
    assert field.null or field.has_db_default(), (
        f"{migration}: {operation.model_name}.{operation.name} needs db_default= (or null=True)"
    )
