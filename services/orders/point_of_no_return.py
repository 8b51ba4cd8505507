"""Passing a line item's point of no return: the start of a task marked as one.

From then on the item can no longer be cancelled or revised (services/orders/rules.py). The
mark is the task's own (`Task.is_point_of_no_return`, copied from its template when planned),
so a catalog changed since cannot move an order's point of no return. Only the first such
start counts: the item keeps the time it was first passed, and one event says which task did.

A marked task can also be COMPLETED without ever being started: a fallout's resolution
decides COMPLETE_TASK for it (at once, or applied when its predecessors finish). The work it
stands for is then done all the same (the fibre drop is in), so its completion passes the
point of no return as its start would have; otherwise the item could still be cancelled with
the work behind the mark finished. A SKIPPED one does no work and passes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from models import DomainOrder, LineItem, ServiceOrder, Task
from models.enums import TaskState
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


async def pass_by_completion(uow: UnitOfWork, order: ServiceOrder, tasks: Iterable[Task]) -> None:
    """Pass the point of no return of the items of those of `tasks` (just finished, `order`
    locked) that are marked and COMPLETED without a start."""
    for task in tasks:
        if task.state is TaskState.COMPLETED and task.started_at is None:
            await pass_point_of_no_return(uow, order, task)


async def passed_by(item: LineItem) -> str:
    """What passed `item`'s point of no return, for the refusals that name it (cancel,
    revise): "task <number> (<name>) has started", or "… was completed"; "?" when nothing has
    (the caller checked it has)."""
    marked = Task.filter(domain_order__line_item_id=item.id, is_point_of_no_return=True)
    task = await marked.filter(started_at__isnull=False).order_by("started_at", "id").first()
    if task is not None:
        return f"task {task.number} ({task.name}) has started"
    task = await marked.filter(state=TaskState.COMPLETED).order_by("completed_at", "id").first()
    return "?" if task is None else f"task {task.number} ({task.name}) was completed"
