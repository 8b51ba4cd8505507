"""The data-volume benchmark's loader writes what the services write: a copy of a block of
orders equals, row by row, the same orders made again through the services, once every id,
reference and number is read relative to the first of its table (times aside, which differ
between any two runs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from tortoise import connections
from tortoise.fields.relational import RelationalField
from tortoise.models import Model

from bench.plan_data import BenchPeople, install_bench_catalog
from bench.volume_data import (
    COPIED,
    ENTITY_TABLES,
    NUMBERED,
    PAYLOAD_IDS,
    PAYLOAD_NUMBERS,
    Recipe,
    copy_block,
    make_block,
    table,
)
from models import Event, ServiceOrder, Task
from models.enums import ServiceOrderState, TaskState
from services.orders import approve_service_order
from services.tasks import complete_task, start_task

SAMPLE = Recipe(completed_small=1, completed_plan=1, in_progress=1, new=1, small_line_items=2)
Rows = dict[str, list[dict[str, Any]]]

_OF_ORDERS = {
    "sold_product": "line_item_id IN (SELECT id FROM line_item WHERE service_order_id = ANY($1))",
    "task_dependency": "task_id IN (SELECT id FROM task WHERE service_order_id = ANY($1))",
    "service_order": "id = ANY($1)",
}


async def rows_of(order_ids: list[int]) -> Rows:
    """The rows of the orders, each table in id order."""
    connection = connections.get("default")
    found = {}
    for model in COPIED:
        name = table(model)
        where = _OF_ORDERS.get(name, "service_order_id = ANY($1)")
        found[name] = await connection.execute_query_dict(
            f'SELECT * FROM "{name}" WHERE {where} ORDER BY id', [order_ids]
        )
    return found


def relative(rows: Rows) -> Rows:
    """Ids, references and numbers as offsets from the first of their table; no times."""
    first_id = {name: min(r["id"] for r in table_rows) for name, table_rows in rows.items()}
    first_number = {
        table(model): min(int(r["number"][len(kind.value) :]) for r in rows[table(model)])
        for model, kind in NUMBERED.items()
        if rows[table(model)]
    }

    def moved_id(model: type[Model], value: Any) -> Any:
        return None if value is None else int(value) - first_id[table(model)]

    def moved_number(model: type[Model], value: str) -> int:
        return int(value[len(NUMBERED[model].value) :]) - first_number[table(model)]

    def row_of(model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
        meta = model._meta
        result: dict[str, Any] = {}
        references = {
            f.source_field: f.related_model
            for name in meta.fk_fields | meta.o2o_fields
            if isinstance(f := meta.fields_map[name], RelationalField)
        }
        for column, value in row.items():
            if isinstance(value, datetime):
                continue
            if column == "id":
                result[column] = moved_id(model, value)
            elif column == "number" and model in NUMBERED:
                result[column] = moved_number(model, value)
            elif column in references and references[column] in COPIED:
                result[column] = moved_id(references[column], value)
            else:
                result[column] = value
        if model is Event:
            entity = ENTITY_TABLES[row["entity_type"]]
            result["entity_id"] = moved_id(entity, row["entity_id"])
            result["service_order_id"] = moved_id(ServiceOrder, row["service_order_id"])
            result["payload"] = payload_of(entity, row["payload"])
        return result

    def payload_of(entity: type[Model], payload: Any) -> dict[str, Any]:
        import json

        values: dict[str, Any] = json.loads(payload) if isinstance(payload, str) else payload
        moved = dict(values)
        for key, value in values.items():
            if value is None:
                continue
            if key in PAYLOAD_IDS:
                moved[key] = moved_id(PAYLOAD_IDS[key], value)
            elif key in PAYLOAD_NUMBERS:
                moved[key] = moved_number(PAYLOAD_NUMBERS[key], value)
            elif key == "number":
                moved[key] = moved_number(entity, value)
        return moved

    models = {table(m): m for m in COPIED}
    return {
        name: [row_of(models[name], r) for r in table_rows] for name, table_rows in rows.items()
    }


async def people() -> BenchPeople:
    return await install_bench_catalog()


@pytest.mark.postgres_only
async def test_a_copied_block_is_what_the_services_write_for_the_same_orders(db: str) -> None:
    bench_people = await people()
    block = await make_block(bench_people, SAMPLE)
    [copied] = await copy_block(block, 1)

    again = await make_block(bench_people, SAMPLE)

    expected, written = relative(await rows_of(again.order_ids)), relative(await rows_of(copied))
    assert sum(map(len, written.values())) > 100
    for name in expected:
        assert written[name] == expected[name], name


@pytest.mark.postgres_only
async def test_the_services_carry_on_with_copied_orders(db: str) -> None:
    bench_people = await people()
    block = await make_block(bench_people, SAMPLE)
    [_, copied] = await copy_block(block, 2)
    new_order = copied[-1]
    in_progress = copied[block.in_progress_position]

    approved = await approve_service_order(bench_people.manager, new_order)
    task = await Task.filter(service_order_id=in_progress, state=TaskState.READY).first()
    assert task is not None
    await start_task(bench_people.agent, task.id)
    done = await complete_task(bench_people.agent, task.id)

    assert approved.state is ServiceOrderState.IN_PROGRESS
    assert done.state is TaskState.COMPLETED
    numbers = await Task.filter(service_order_id=new_order).values_list("number", flat=True)
    assert len(set(numbers)) == len(numbers) > 0
