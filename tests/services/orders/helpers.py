"""Building orders for the order tests, and reading back what the services wrote."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tortoise import connections

from models import DomainOrder, ServiceOrder, Task, TaskDependency, TaskTemplate, User
from services.orders import LineItemInput, SubmitOrderInput, submit_service_order

# Every table an order operation may write, with a column that orders its rows.
ORDER_TABLES = {
    "service_order": "id",
    "line_item": "id",
    "sold_product": "id",
    "domain_order": "id",
    "task": "id",
    "task_dependency": "id",
    "event": "id",
    "number_sequence": "name",
}


async def submit(
    actor: User, *items: LineItemInput | str, external_id: str | None = None
) -> ServiceOrder:
    """Submit an order for customer ACME; a bare string is a line item of that product."""
    line_items = [LineItemInput(i) if isinstance(i, str) else i for i in items]
    return await submit_service_order(
        actor,
        SubmitOrderInput(customer="ACME", line_items=line_items, external_id=external_id),
    )


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table an order operation may write."""
    conn = connections.get("default")
    return {
        table: list(await conn.execute_query_dict(f"SELECT * FROM {table} ORDER BY {key}"))
        for table, key in ORDER_TABLES.items()
    }


async def domain_order_tree(order_id: int) -> list[str]:
    """The domain orders of an order as an indented outline, following the parent links:
    `  SPEC_CODE KIND`, children in creation order under their parent."""
    rows = await DomainOrder.filter(service_order_id=order_id).prefetch_related("specification")
    children: dict[int | None, list[DomainOrder]] = {}
    for row in sorted(rows, key=lambda r: (r.line_item_id, r.position)):
        children.setdefault(row.parent_id, []).append(row)
    lines: list[str] = []

    def walk(parent: int | None, depth: int) -> None:
        for row in children.get(parent, []):
            lines.append(f"{'  ' * depth}{row.specification.code} {row.kind.value}")
            walk(row.id, depth + 1)

    walk(None, 0)
    return lines


async def task_labels(order_id: int) -> dict[int, str]:
    """Each task's `SPEC_CODE/template_code`, by task id."""
    tasks = await Task.filter(service_order_id=order_id).prefetch_related("domain_order")
    templates = {t.id: t.code for t in await TaskTemplate.all()}
    specs = {
        d.id: d.specification.code
        for d in await DomainOrder.filter(service_order_id=order_id).prefetch_related(
            "specification"
        )
    }
    return {t.id: f"{specs[t.domain_order_id]}/{templates[t.template_id or 0]}" for t in tasks}


async def task_edges(order_id: int) -> Counter[tuple[str, str]]:
    """The order's finish-to-start edges as (task, the task it waits for), by label."""
    labels = await task_labels(order_id)
    links = await TaskDependency.filter(task_id__in=list(labels)).values_list(
        "task_id", "depends_on_id"
    )
    return Counter((labels[task], labels[depends_on]) for task, depends_on in links)
