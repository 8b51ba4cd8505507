"""What a worker gets with each task it locks: the task, and what it needs to do the work.

`LockedTask.context()` is the one JSON shape of it, the same for the built-in worker (its
handlers, the `http` handler's request body) and for workers over the API
(`fetchAndLockTasks { tasks { context } }`), so that a handler written for one runs on the
other. The rows are read in a few statements for the whole batch, inside the fetch's
transaction, so that the context is the plan as it was when the lock was taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from tortoise.expressions import Q

from models import (
    DomainOrder,
    LineItem,
    ServiceOrder,
    ServiceSpecification,
    SoldProduct,
    Task,
    TaskDependency,
)
from services.events.recorders import instant
from services.json_values import JsonValue, shown


@dataclass(frozen=True)
class LockedTask:
    task: Task
    order: ServiceOrder
    line_item: LineItem
    line_item_specification_code: str
    domain_order: DomainOrder
    domain_order_specification_code: str
    # The product the item changes (MODIFY, DELETE) or creates (ADD); None if it has none.
    sold_product: SoldProduct | None
    # The tasks this one waits on, all done: their outputs are this one's inputs.
    dependencies: tuple[Task, ...]

    def context(self) -> dict[str, JsonValue]:
        task = self.task
        product = self.sold_product
        return {
            "task": {
                "number": task.number,
                "name": task.name,
                "handler": task.handler,
                "attempt": task.attempts,
                "maxAttempts": task.max_attempts,
                "lockedBy": task.locked_by,
                "lockExpiresAt": instant(task.lock_expires_at),
                # A manager's corrected input (RETRY_TASK), or null.
                "input": shown(task.input),  # type: ignore[dict-item]
            },
            "serviceOrder": {
                "number": self.order.number,
                "externalId": self.order.external_id,
                "customer": self.order.customer,
                "priority": self.order.priority.value,
            },
            "lineItem": {
                "action": self.line_item.action.value,
                "specificationCode": self.line_item_specification_code,
                "quantity": self.line_item.quantity,
                "characteristics": shown(self.line_item.characteristics),  # type: ignore[dict-item]
            },
            "domainOrder": {
                "number": self.domain_order.number,
                "specificationCode": self.domain_order_specification_code,
            },
            "soldProduct": None
            if product is None
            else {
                "state": product.state.value,
                "customer": product.customer,
                "characteristics": shown(product.characteristics),  # type: ignore[dict-item]
            },
            "dependencies": [
                {
                    "number": dependency.number,
                    "name": dependency.name,
                    "state": dependency.state.value,
                    "handler": dependency.handler,
                    "output": shown(dependency.output),  # type: ignore[dict-item]
                }
                for dependency in self.dependencies
            ],
        }


async def locked_tasks(tasks: Sequence[Task], orders: dict[int, ServiceOrder]) -> list[LockedTask]:
    """The contexts of `tasks` (of the locked `orders`), in their order."""
    if not tasks:
        return []
    domain_orders = {
        d.id: d for d in await DomainOrder.filter(id__in={t.domain_order_id for t in tasks})
    }
    items = {
        i.id: i
        for i in await LineItem.filter(id__in={d.line_item_id for d in domain_orders.values()})
    }
    # The product a MODIFY or DELETE changes (the installed base), else the one the item makes.
    changed = {i.changed_product_id for i in items.values() if i.changed_product_id is not None}
    found = await SoldProduct.filter(Q(line_item_id__in=list(items)) | Q(id__in=changed))
    by_id = {p.id: p for p in found}
    made = {p.line_item_id: p for p in found}
    products = {
        item.id: made.get(item.id)
        if item.changed_product_id is None
        else by_id.get(item.changed_product_id)
        for item in items.values()
    }
    spec_ids = {d.specification_id for d in domain_orders.values()} | {
        i.specification_id for i in items.values()
    }
    codes = dict(
        cast(
            list[tuple[int, str]],
            await ServiceSpecification.filter(id__in=spec_ids).values_list("id", "code"),
        )
    )
    links = cast(
        list[tuple[int, int]],
        await TaskDependency.filter(task_id__in=[t.id for t in tasks]).values_list(
            "task_id", "depends_on_id"
        ),
    )
    predecessors = {
        p.id: p for p in await Task.filter(id__in={depends_on for _, depends_on in links})
    }
    waits_on: dict[int, list[Task]] = {}
    for task_id, depends_on in sorted(links):
        waits_on.setdefault(task_id, []).append(predecessors[depends_on])
    result = []
    for task in tasks:
        domain_order = domain_orders[task.domain_order_id]
        item = items[domain_order.line_item_id]
        result.append(
            LockedTask(
                task=task,
                order=orders[task.service_order_id],
                line_item=item,
                line_item_specification_code=codes[item.specification_id],
                domain_order=domain_order,
                domain_order_specification_code=codes[domain_order.specification_id],
                sold_product=products[item.id],
                dependencies=tuple(waits_on.get(task.id, ())),
            )
        )
    return result
