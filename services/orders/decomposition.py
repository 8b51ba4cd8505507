"""Writing the plan of an approved order: sold products, domain orders, tasks and their edges.

Each item is planned for its action (`planning.py`): a MODIFY against its product's current
characteristics, a DELETE against those the product was built with; only an ADD creates a
sold product (services/sold_products.py).

What to create is decided by `planning.py`; this module only persists it, in bulk: a few
statements per level of the domain order trees whatever the number of line items. Tortoise's
bulk_create fills in no ids (on SQLite or asyncpg), so the rows are read back by their numbers,
which the block allocation made unique.

Events: `service_order.decomposed` with the counts, `task.ready` for every task that can start
at once (dashboards following tasks show them), and `service_order.state_changed` to
IN_PROGRESS. No event per line item, domain order or waiting task: an order of 25 items writes
hundreds of those rows, and nothing follows them before they change state — each row's creation
is in the plan the decomposed event points to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from models import DomainOrder, LineItem, ServiceOrder, SoldProduct, Task, TaskDependency
from models.enums import LineItemAction, ServiceOrderState, TaskState

# The module, not its function: the rollup reads the order rules of this package
# (orders/rules.py), so it may still be loading when this module is imported.
from services import rollup
from services.automation_policy import task_columns
from services.errors import InvalidStateError
from services.events.kinds import EventKind
from services.events.recorders import record_order, record_task
from services.numbering import NumberKind, allocate_numbers
from services.orders.catalog_graph import load_catalog_graph
from services.orders.planning import LineItemPlan, plan_line_item
from services.unit_of_work import UnitOfWork


async def decompose_order(uow: UnitOfWork, order: ServiceOrder) -> None:
    """Decompose an ACKNOWLEDGED order (locked by the caller) and move it to IN_PROGRESS.

    Idempotent: an order that already has domain orders is left as it is. Every line item gets
    its domain orders in the same transaction, so an order never has only some of them.
    """
    if await DomainOrder.filter(service_order_id=order.id).exists():
        return
    if order.state is not ServiceOrderState.ACKNOWLEDGED:
        raise InvalidStateError(
            f"Only an acknowledged order is decomposed; {order.number} is {order.state.value}.",
            field="serviceOrderId",
        )
    # An item cancelled before approval has nothing to plan (services/orders/cancel.py).
    items = await LineItem.filter(service_order_id=order.id, cancelled_at__isnull=True).order_by(
        "position", "id"
    )
    catalog = await load_catalog_graph({item.specification_id for item in items})
    # A MODIFY plans against what the product has now; a DELETE tears down what it was built as.
    changed_ids = [item.changed_product_id for item in items if item.changed_product_id]
    current = dict(
        await SoldProduct.filter(id__in=changed_ids).values_list("id", "characteristics")
        if changed_ids
        else []
    )
    plans = [
        plan_line_item(
            catalog,
            item.specification_id,
            item.characteristics,
            item.quantity,
            action=item.action,
            previous_characteristics=(
                None if item.changed_product_id is None else current[item.changed_product_id]
            ),
        )
        for item in items
    ]

    # Only an ADD creates a product; a MODIFY or DELETE changes the one it names.
    created = [item for item in items if item.action is LineItemAction.ADD]
    await SoldProduct.bulk_create(
        [
            SoldProduct(
                line_item_id=item.id,
                specification_id=item.specification_id,
                customer=order.customer,
            )
            for item in created
        ]
    )
    domain_order_ids = await _insert_domain_orders(order, items, plans)
    tasks = await _insert_tasks(order, plans, domain_order_ids)
    dependencies = [
        TaskDependency(task_id=inserted.ids[task], depends_on_id=inserted.ids[depends_on])
        for plan, inserted in zip(plans, tasks, strict=True)
        for task, depends_on in plan.dependencies
    ]
    await TaskDependency.bulk_create(dependencies)

    for item, plan in zip(items, plans, strict=True):
        item.tasks_total = len(plan.tasks)
        item.tasks_done = 0
    await LineItem.bulk_update(items, fields=["tasks_total", "tasks_done"])

    _record_ready_tasks(uow, plans, tasks)

    task_count = sum(len(plan.tasks) for plan in plans)
    record_order(
        uow,
        EventKind.SERVICE_ORDER_DECOMPOSED,
        order,
        previous_state=order.state,
        lineItems=len(items),
        soldProducts=len(created),
        domainOrders=sum(len(plan.domain_orders) for plan in plans),
        tasks=task_count,
        readyTasks=sum(len(plan.ready_tasks) for plan in plans),
        taskDependencies=len(dependencies),
    )
    previous = order.state
    order.state = ServiceOrderState.IN_PROGRESS
    order.tasks_total = task_count
    order.tasks_done = 0
    order.version += 1
    await order.save(update_fields=["state", "tasks_total", "tasks_done", "version", "updated_at"])
    record_order(uow, EventKind.SERVICE_ORDER_STATE_CHANGED, order, previous_state=previous)
    # Everything else starts PENDING, as written; a subtree without tasks has nothing to wait
    # for and completes now, and with it an item (or an order) that has no tasks at all: also
    # a MODIFY or DELETE with nothing to do, planned without a domain order. The rollup also
    # writes the first schedule (planned dates, due dates, jeopardy).
    empty = [
        ids[i]
        for plan, ids in zip(plans, domain_order_ids, strict=True)
        for i, count in enumerate(plan.subtree_task_counts())
        if count == 0
    ]
    planless = [item.id for item, plan in zip(items, plans, strict=True) if not plan.domain_orders]
    await rollup.roll_up(uow, order, empty, line_item_ids=planless)


def _record_ready_tasks(
    uow: UnitOfWork, plans: list[LineItemPlan], tasks: list[_InsertedTasks]
) -> None:
    for plan, inserted in zip(plans, tasks, strict=True):
        for index in sorted(plan.ready_tasks):
            record_task(
                uow, EventKind.TASK_READY, inserted.rows[index], previous_state=TaskState.PENDING
            )


async def _insert_domain_orders(
    order: ServiceOrder, items: list[LineItem], plans: list[LineItemPlan]
) -> list[list[int]]:
    """Insert every plan's domain orders, one level at a time so that parents have ids; return
    the ids of each plan's domain orders, by index."""
    numbers = iter(
        await allocate_numbers(NumberKind.DOMAIN_ORDER, sum(len(p.domain_orders) for p in plans))
    )
    # Numbers follow the plans' depth-first order, so a tree's numbers read top to bottom.
    numbered = [[next(numbers) for _ in plan.domain_orders] for plan in plans]
    ids: list[list[int]] = [[0] * len(plan.domain_orders) for plan in plans]
    task_counts = [plan.task_counts() for plan in plans]
    subtree_counts = [plan.subtree_task_counts() for plan in plans]
    depth = 0
    while True:
        level = [
            (p, i)
            for p, plan in enumerate(plans)
            for i, planned in enumerate(plan.domain_orders)
            if planned.depth == depth
        ]
        if not level:
            return ids
        rows = []
        for p, i in level:
            planned = plans[p].domain_orders[i]
            rows.append(
                DomainOrder(
                    number=numbered[p][i],
                    service_order_id=order.id,
                    line_item_id=items[p].id,
                    parent_id=None if planned.parent is None else ids[p][planned.parent],
                    specification_id=planned.specification_id,
                    kind=planned.kind,
                    depth=depth,
                    position=i,
                    tasks_total=subtree_counts[p][i],
                    tasks_done=0,
                    own_tasks_total=task_counts[p][i],
                    own_tasks_done=0,
                )
            )
        await DomainOrder.bulk_create(rows)
        id_of = dict(
            cast(
                list[tuple[str, int]],
                await DomainOrder.filter(service_order_id=order.id, depth=depth).values_list(
                    "number", "id"
                ),
            )
        )
        for p, i in level:
            ids[p][i] = id_of[numbered[p][i]]
        depth += 1


@dataclass(frozen=True)
class _InsertedTasks:
    """One plan's tasks as written (ids read back), by the plan's task index."""

    rows: list[Task]

    @property
    def ids(self) -> list[int]:
        return [task.id for task in self.rows]


async def _insert_tasks(
    order: ServiceOrder,
    plans: list[LineItemPlan],
    domain_order_ids: list[list[int]],
) -> list[_InsertedTasks]:
    numbers = iter(await allocate_numbers(NumberKind.TASK, sum(len(p.tasks) for p in plans)))
    rows: list[list[Task]] = []
    for p, plan in enumerate(plans):
        ready = plan.ready_tasks
        rows.append(
            [
                Task(
                    number=next(numbers),
                    name=planned.name,
                    template_id=planned.template_id,
                    domain_order_id=domain_order_ids[p][planned.domain_order],
                    service_order_id=order.id,
                    state=TaskState.READY if i in ready else TaskState.PENDING,
                    priority=order.priority,
                    assignment_group_id=planned.assignment_group_id,
                    expected_duration_minutes=planned.expected_duration_minutes,
                    position=planned.position,
                    **task_columns(planned.automation),
                    is_point_of_no_return=planned.point_of_no_return,
                )
                for i, planned in enumerate(plan.tasks)
            ]
        )
    await Task.bulk_create([task for plan_rows in rows for task in plan_rows])
    id_of = dict(
        cast(
            list[tuple[str, int]],
            await Task.filter(service_order_id=order.id).values_list("number", "id"),
        )
    )
    for plan_rows in rows:
        for task in plan_rows:
            task.id = id_of[task.number]
    return [_InsertedTasks(plan_rows) for plan_rows in rows]
