"""Filling PostgreSQL to a million tasks with exactly what the services write, in minutes.

Working a million tasks through the services takes hours, so the data-volume benchmark makes
one *block* of orders through the real services (submit, approve, start, complete, fallout and
its resolution: `make_block`), then copies that block as many times as it needs inside the
database (`copy_block`: one INSERT … SELECT per table). A copy is the block with every id,
every reference to a copied row (foreign keys, an event's entity, the ids in event payloads)
and every number (SO…, DO…, TASK…, FO…) moved past what the database already holds, as if the
services had written it later; everything else (states, counters, versions, names, times) is
the block's own. tests/bench/test_volume_data.py checks a copy against the same orders made
again through the services, row by row.

What is copied is learned from the models (Tortoise's metadata): a column is the row's id, a
reference to a copied table, a reference to a shared one (users, groups, the catalog: kept),
or a value (kept). Event payloads are read by their keys; a key that names an id or a number
the loader does not know stops the copy instead of copying a wrong reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from tortoise import connections
from tortoise.fields.relational import RelationalField
from tortoise.models import Model
from tortoise.transactions import in_transaction

from bench.plan_data import BenchPeople, submit_order
from models import (
    DomainOrder,
    Event,
    FalloutRecord,
    LineItem,
    NumberSequence,
    ServiceOrder,
    SoldProduct,
    Task,
    TaskDependency,
)
from models.enums import FalloutAction, FalloutType, TaskState
from services.fallouts import create_fallout, resolve_fallout
from services.numbering import NumberKind
from services.orders import approve_service_order
from services.tasks import complete_task, start_task

# In the order they are written: every reference points to a table written before it (or to
# its own, for domain orders' parents: PostgreSQL checks those at the end of the statement).
COPIED: tuple[type[Model], ...] = (
    ServiceOrder,
    LineItem,
    SoldProduct,
    DomainOrder,
    Task,
    TaskDependency,
    FalloutRecord,
    Event,
)
NUMBERED: Mapping[type[Model], NumberKind] = {
    ServiceOrder: NumberKind.SERVICE_ORDER,
    DomainOrder: NumberKind.DOMAIN_ORDER,
    Task: NumberKind.TASK,
    FalloutRecord: NumberKind.FALLOUT,
}
# Event.entity_type → the table of the entity.
ENTITY_TABLES: Mapping[str, type[Model]] = {
    "service_order": ServiceOrder,
    "line_item": LineItem,
    "sold_product": SoldProduct,
    "domain_order": DomainOrder,
    "task": Task,
    "fallout": FalloutRecord,
}
# Event payload keys that hold the id of a copied row, or the number of one.
PAYLOAD_IDS: Mapping[str, type[Model]] = {
    "serviceOrderId": ServiceOrder,
    "lineItemId": LineItem,
    "soldProductId": SoldProduct,
    "domainOrderId": DomainOrder,
    "taskId": Task,
    "falloutId": FalloutRecord,
}
PAYLOAD_NUMBERS: Mapping[str, type[Model]] = {"falloutNumber": FalloutRecord}
# Payload keys kept as they are: they name shared rows (people, groups), or are the partner's
# own id of an order (none in a block: the copies would repeat it).
PAYLOAD_SHARED = frozenset(
    {"assigneeId", "previousAssigneeId", "assignmentGroupId", "actorId", "externalId"}
)
_REFERENCE_SUFFIXES = ("Id", "Ids", "Number", "Numbers")
BATCH_COPIES = 100


@dataclass(frozen=True)
class Recipe:
    """The orders of a block: worked to completion (some with fallout retried on the way),
    being worked (a quarter of their ready tasks done, one open fallout), and new."""

    completed_small: int = 6
    completed_plan: int = 2
    in_progress: int = 1
    new: int = 1
    small_line_items: int = 5


@dataclass(frozen=True)
class IdRange:
    low: int
    high: int

    @property
    def span(self) -> int:
        return self.high - self.low + 1


@dataclass(frozen=True)
class Block:
    """Where a block's rows are: an id range per table (all of it the block's), and the
    number sequences' values before and after the block took its numbers."""

    order_ids: list[int]
    ids: dict[str, IdRange]
    numbers: dict[NumberKind, tuple[int, int]]
    tasks: int
    # Where in `order_ids` (and in each copy's) an order being worked, and a completed one, are.
    in_progress_position: int
    completed_position: int


def table(model: type[Model]) -> str:
    return model._meta.db_table


async def make_block(people: BenchPeople, recipe: Recipe = Recipe()) -> Block:
    """The block's orders, through the services, on a database that writes nothing else
    meanwhile (its rows must be contiguous ranges of ids)."""
    before = await _sequence_values()
    orders = []
    for _ in range(recipe.completed_small):
        orders.append(await _submitted(people, "BENCH_SMALL", recipe.small_line_items))
        await _work_to_completion(people, orders[-1])
    for _ in range(recipe.completed_plan):
        orders.append(await _submitted(people, "BENCH_PLAN", 1))
        await _work_to_completion(people, orders[-1])
    in_progress = []
    for _ in range(recipe.in_progress):
        orders.append(await _submitted(people, "BENCH_SMALL", recipe.small_line_items))
        in_progress.append(orders[-1])
        await _work_a_quarter(people, orders[-1])
    for _ in range(recipe.new):
        orders.append(await _submitted(people, "BENCH_SMALL", recipe.small_line_items, False))
    after = await _sequence_values()
    order_ids = [order.id for order in orders]
    return Block(
        order_ids=order_ids,
        ids=await _id_ranges(order_ids),
        numbers={kind: (before.get(kind, 0), after.get(kind, 0)) for kind in NumberKind},
        tasks=await Task.filter(service_order_id__in=order_ids).count(),
        in_progress_position=order_ids.index(in_progress[0].id) if in_progress else 0,
        completed_position=0,
    )


async def _submitted(
    people: BenchPeople, product: str, line_items: int, approve: bool = True
) -> ServiceOrder:
    order = await submit_order(people, product, line_items)
    if approve:
        await approve_service_order(people.manager, order.id)
    return order


async def _ready(order: ServiceOrder) -> list[Task]:
    return await Task.filter(service_order_id=order.id, state=TaskState.READY).order_by("id")


async def _work_to_completion(people: BenchPeople, order: ServiceOrder) -> None:
    """Every task started and completed, in waves; the first one held by a fallout that is
    retried before it is worked."""
    first = (await _ready(order))[0]
    fallout = await create_fallout(
        people.manager, first.id, FalloutType.OTHER, "Held by the volume benchmark"
    )
    await resolve_fallout(people.manager, fallout.id, FalloutAction.RETRY_TASK, "Try again")
    while ready := await _ready(order):
        for task in ready:
            await start_task(people.agent, task.id)
            await complete_task(people.agent, task.id, "done by the benchmark")


async def _work_a_quarter(people: BenchPeople, order: ServiceOrder) -> None:
    ready = await _ready(order)
    for task in ready[: max(1, len(ready) // 4)]:
        await start_task(people.agent, task.id)
        await complete_task(people.agent, task.id, "done by the benchmark")
    held = (await _ready(order))[-1]
    await create_fallout(people.manager, held.id, FalloutType.OTHER, "Open in the volume block")


async def _sequence_values() -> dict[NumberKind, int]:
    rows = await NumberSequence.all().values_list("name", "value")
    return {NumberKind(str(name)): int(cast(int, value)) for name, value in rows}


async def _id_ranges(order_ids: Sequence[int]) -> dict[str, IdRange]:
    """Each copied table's ids of the block's rows, checked to be the whole of their range."""
    connection = connections.get("default")
    ranges = {}
    for model in COPIED:
        name = table(model)
        rows = await connection.execute_query_dict(
            f'SELECT min(id) AS low, max(id) AS high, count(*) AS n FROM "{name}" WHERE '
            f"{_belongs_to_orders(model)}",
            [list(order_ids)],
        )
        low, high, count = rows[0]["low"], rows[0]["high"], rows[0]["n"]
        if count == 0:
            continue
        if high - low + 1 != count:
            raise RuntimeError(f"the block's {name} rows are not one range of ids")
        ranges[name] = IdRange(int(low), int(high))
    return ranges


def _belongs_to_orders(model: type[Model]) -> str:
    """A condition on `model`'s rows: of one of the orders in the parameter $1."""
    if model is ServiceOrder:
        return "id = ANY($1::int[])"
    if model is SoldProduct:
        return "line_item_id IN (SELECT id FROM line_item WHERE service_order_id = ANY($1::int[]))"
    if model is TaskDependency:
        return "task_id IN (SELECT id FROM task WHERE service_order_id = ANY($1::int[]))"
    return "service_order_id = ANY($1::int[])"


async def copy_block(block: Block, copies: int) -> list[list[int]]:
    """Write `copies` copies of `block` after everything the database holds; the order ids of
    each copy, in the block's order."""
    connection = connections.get("default")
    id_bases = {}
    for name, ids in block.ids.items():
        rows = await connection.execute_query_dict(f'SELECT max(id) AS high FROM "{name}"')
        id_bases[name] = int(rows[0]["high"]) + 1 - ids.low
    values = await _sequence_values()
    number_bases = {kind: values.get(kind, 0) - low for kind, (low, _) in block.numbers.items()}
    plan = _CopyPlan(block, id_bases, number_bases, await _payload_keys(block))
    for first in range(0, copies, BATCH_COPIES):
        last = min(copies, first + BATCH_COPIES) - 1
        async with in_transaction() as transaction:
            for model in COPIED:
                if table(model) in block.ids:
                    await transaction.execute_script(plan.insert(model, first, last))
    for model in COPIED:
        name = table(model)
        if name in block.ids:
            await connection.execute_script(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f'(SELECT max(id) FROM "{name}"))'
            )
    for kind, (before, after) in block.numbers.items():
        if after > before:
            await NumberSequence.filter(name=kind.value).update(
                value=values.get(kind, 0) + copies * (after - before)
            )
    orders = block.ids["service_order"]
    shift = id_bases["service_order"]
    return [[i + shift + k * orders.span for i in block.order_ids] for k in range(copies)]


async def _payload_keys(block: Block) -> set[str]:
    events = block.ids["event"]
    rows = await connections.get("default").execute_query_dict(
        "SELECT DISTINCT jsonb_object_keys(payload) AS key FROM event WHERE id BETWEEN $1 AND $2",
        [events.low, events.high],
    )
    keys = {str(row["key"]) for row in rows}
    unknown = {
        key
        for key in keys - PAYLOAD_IDS.keys() - PAYLOAD_NUMBERS.keys() - PAYLOAD_SHARED
        if key.endswith(_REFERENCE_SUFFIXES)
    }
    if unknown:
        raise RuntimeError(
            f"event payloads name {sorted(unknown)}: tell bench/volume_data.py whether they "
            "refer to copied rows (PAYLOAD_IDS, PAYLOAD_NUMBERS) or shared ones (PAYLOAD_SHARED)"
        )
    return keys


class _CopyPlan:
    """The INSERT … SELECT of each table, for the copies numbered `first` to `last`."""

    def __init__(
        self,
        block: Block,
        id_bases: Mapping[str, int],
        number_bases: Mapping[NumberKind, int],
        payload_keys: set[str],
    ) -> None:
        self.block = block
        self.id_bases = id_bases
        self.number_bases = number_bases
        self.payload_keys = payload_keys

    def id_shift(self, model: type[Model]) -> str:
        name = table(model)
        if name not in self.block.ids:
            raise RuntimeError(f"the block has no {name} rows, yet a copied row refers to one")
        return f"({self.id_bases[name]} + k * {self.block.ids[name].span})"

    def number(self, column: str, model: type[Model]) -> str:
        """The number in `column` (e.g. TASK0000042), moved like the ids are."""
        kind = NUMBERED[model]
        before, after = self.block.numbers[kind]
        prefix = kind.value
        value = (
            f"(substr({column}, {len(prefix) + 1})::bigint + "
            f"{self.number_bases[kind]} + k * {after - before})::text"
        )
        # As wide as the block's numbers are, wider only once the digits run out.
        width = f"length({column}) - {len(prefix)}"
        return f"'{prefix}' || lpad({value}, greatest({width}, length({value})), '0')"

    def column(self, model: type[Model], field_name: str, column: str) -> str:
        meta = model._meta
        source = f'src."{column}"'
        if field_name == meta.pk_attr:
            return f"{source} + {self.id_shift(model)}"
        if model in NUMBERED and field_name == "number":
            return self.number(source, model)
        for relation in meta.fk_fields | meta.o2o_fields:
            field = meta.fields_map[relation]
            if isinstance(field, RelationalField) and field.source_field == column:
                related: type[Model] = field.related_model
                return f"{source} + {self.id_shift(related)}" if related in COPIED else source
        if model is Event:
            return self.event_column(column, source)
        return source

    def event_column(self, column: str, source: str) -> str:
        if column == "entity_id":
            return self.by_entity_type(
                {kind: f"{source} + {self.id_shift(model)}" for kind, model in self._entities()}
            )
        if column == "service_order_id":
            return f"{source} + {self.id_shift(ServiceOrder)}"
        if column == "payload":
            return self.payload(source)
        return source

    def _entities(self) -> list[tuple[str, type[Model]]]:
        return [(k, m) for k, m in ENTITY_TABLES.items() if table(m) in self.block.ids]

    def by_entity_type(self, cases: Mapping[str, str]) -> str:
        whens = " ".join(f"WHEN '{kind}' THEN {value}" for kind, value in cases.items())
        # An entity type the loader does not know makes the value NULL: the insert fails.
        return f"CASE src.entity_type {whens} END"

    def payload(self, source: str) -> str:
        changes = []
        for key in sorted(self.payload_keys):
            value = f"{source}->>'{key}'"
            moved: str | None = None
            if key in PAYLOAD_IDS:
                moved = f"to_jsonb(({value})::bigint + {self.id_shift(PAYLOAD_IDS[key])})"
            elif key in PAYLOAD_NUMBERS:
                moved = f"to_jsonb({self.number(value, PAYLOAD_NUMBERS[key])})"
            elif key == "number":
                cases = {
                    kind: f"to_jsonb({self.number(value, model)})"
                    for kind, model in self._entities()
                    if model in NUMBERED
                }
                moved = self.by_entity_type(cases)
            if moved is not None:
                guard = f"jsonb_typeof({source}->'{key}') IN ('number', 'string')"
                changes.append(f"'{key}', CASE WHEN {guard} THEN {moved} END")
        if not changes:
            return source
        # Keys absent (or null) in a payload stay so: stripped nulls add nothing.
        return f"{source} || jsonb_strip_nulls(jsonb_build_object({', '.join(changes)}))"

    def insert(self, model: type[Model], first: int, last: int) -> str:
        name = table(model)
        ids = self.block.ids[name]
        projection: dict[str, str] = model._meta.fields_db_projection
        columns = ", ".join(f'"{column}"' for column in projection.values())
        values = ", ".join(
            self.column(model, field_name, column) for field_name, column in projection.items()
        )
        return (
            f'INSERT INTO "{name}" ({columns}) SELECT {values} FROM "{name}" AS src '
            f"CROSS JOIN generate_series({first}, {last}) AS k "
            f"WHERE src.id BETWEEN {ids.low} AND {ids.high} ORDER BY k, src.id"
        )


async def vacuum_analyze() -> None:
    """Fresh statistics and visibility maps, as autovacuum would leave them after a load."""
    await connections.get("default").execute_script("VACUUM (ANALYZE)")


async def row_counts() -> dict[str, int]:
    """Rows per copied table, as the statistics have them (after vacuum_analyze: exact)."""
    names = [table(m) for m in COPIED]
    rows = await connections.get("default").execute_query_dict(
        "SELECT relname, reltuples FROM pg_class WHERE relname = ANY($1::text[])", [names]
    )
    return {str(r["relname"]): int(r["reltuples"]) for r in rows}
