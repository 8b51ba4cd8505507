"""Row locks that serialise every change to one service order.

Everything beneath an order (line items, domain orders, tasks, fallouts) changes only with the
order row locked, so concurrent calls on one order run one after another: rollup counters stay
exact, a task cannot be started twice, and an order's events commit in id order. Call these
first thing inside the unit of work. (select_for_update is a no-op on SQLite, which serialises
every writer anyway.)
"""

from __future__ import annotations

from typing import cast

from models import FalloutRecord, ServiceOrder, Task
from services.errors import NotFoundError


async def lock_order(order_id: int, *, field: str = "serviceOrderId") -> ServiceOrder:
    order = await ServiceOrder.select_for_update().get_or_none(id=order_id)
    if order is None:
        raise NotFoundError("No such service order.", field=field)
    return order


async def lock_task(task_id: int, *, field: str = "taskId") -> tuple[Task, ServiceOrder]:
    """Lock the task's order, then read the task as it is once the lock is held."""
    found = await Task.filter(id=task_id).values_list("service_order_id", flat=True)
    if not found:
        raise NotFoundError("No such task.", field=field)
    order = await lock_order(cast(int, found[0]), field=field)
    task = await Task.get(id=task_id)
    return task, order


async def lock_fallout(
    fallout_id: int, *, field: str = "falloutId"
) -> tuple[FalloutRecord, ServiceOrder]:
    found = await FalloutRecord.filter(id=fallout_id).values_list("service_order_id", flat=True)
    if not found:
        raise NotFoundError("No such fallout record.", field=field)
    order = await lock_order(cast(int, found[0]), field=field)
    fallout = await FalloutRecord.get(id=fallout_id)
    return fallout, order
