"""Passing a line item's point of no return: the start of a task marked as one.

From then on the item can no longer be cancelled or revised (services/orders/rules.py). The
mark is the task's own (`Task.is_point_of_no_return`, copied from its template when planned),
so a catalog changed since cannot move an order's point of no return. Only the first such
start counts: the item keeps the time it was first passed, and one event says which task did.
"""

from __future__ import annotations

from models import DomainOrder, LineItem, ServiceOrder, Task
from services.events.kinds import EventKind
from services.events.recorders import record_line_item
from services.unit_of_work import UnitOfWork


async def pass_point_of_no_return(
    uow: UnitOfWork, order: ServiceOrder, task: Task
) -> LineItem | None:
    """Mark `task`'s line item as past its point of no return if `task` (being started, its
    `order` locked) is one and the item was not past it yet; the item marked, or None. The
    order keeps the first time one of its items passed it."""
    if not task.is_point_of_no_return:
        return None
    if order.point_of_no_return_reached_at is None:
        order.point_of_no_return_reached_at = uow.started_at
        await order.save(update_fields=["point_of_no_return_reached_at"])
    domain_order = await DomainOrder.get(id=task.domain_order_id).only("id", "line_item_id")
    item = await LineItem.get(id=domain_order.line_item_id)
    if item.point_of_no_return_reached_at is not None:
        return None
    item.point_of_no_return_reached_at = uow.started_at
    await item.save(update_fields=["point_of_no_return_reached_at"])
    record_line_item(
        uow,
        EventKind.LINE_ITEM_POINT_OF_NO_RETURN_REACHED,
        item,
        previous_state=item.state,
        taskId=task.id,
        taskNumber=task.number,
    )
    return item


async def passed_by(item: LineItem) -> str:
    """The number and name of the task that passed `item`'s point of no return, for the
    refusals that name it (cancel, revise); "?" when none has (the caller checked it has)."""
    task = (
        await Task.filter(
            domain_order__line_item_id=item.id, is_point_of_no_return=True, started_at__isnull=False
        )
        .order_by("started_at", "id")
        .first()
    )
    return "?" if task is None else f"{task.number} ({task.name})"
