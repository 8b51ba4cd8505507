"""`viewerCan`: what the reader may do to an object now, as services/permissions.py says.

Answered at once when what it reads is loaded (like the plan's relations, resolvers/plan.py):
a plan asks it of every task. A task's answer needs an agent's groups, read once per request
(before the tasks when a plan's tasks ask for it); a fallout's needs its task.
"""

from __future__ import annotations

from collections.abc import Collection

from models import FalloutRecord, LineItem, ServiceOrder, Task, User
from resolvers.context import Context
from resolvers.plan import Now, later, task_of, then, then_both
from services import permissions


def order_permissions(context: Context, order: ServiceOrder) -> permissions.OrderPermissions:
    return permissions.order_permissions(context.actor, order)


def line_item_permissions(context: Context, item: LineItem) -> Now[permissions.LineItemPermissions]:
    actor = context.actor

    def of_order(order: ServiceOrder | None) -> permissions.LineItemPermissions:
        if order is None:  # deleted with its items, so never seen
            return permissions.LineItemPermissions(revise=False, cancel=False)
        return permissions.line_item_permissions(actor, item, order)

    return then(context.loaders.order, item.service_order_id, of_order)


def task_permissions(context: Context, task: Task) -> Now[permissions.TaskPermissions]:
    """Needs the task's order (a held one starts no task): a plan has loaded it already."""
    actor = context.actor
    loaders = context.loaders
    if not permissions.task_permissions_read_groups(actor):
        return then(
            loaders.order, task.service_order_id, lambda order: _of_task(actor, task, order, ())
        )
    return then_both(
        loaders.order,
        task.service_order_id,
        loaders.group_ids_by_user,
        actor.id,
        lambda order, group_ids: _of_task(actor, task, order, group_ids),
    )


def _of_task(
    actor: User, task: Task, order: ServiceOrder | None, group_ids: Collection[int]
) -> permissions.TaskPermissions:
    if order is None:  # deleted with its tasks, so never seen; refused if it were
        return permissions.TaskPermissions(
            start=False, complete=False, reassign=False, create_fallout=False
        )
    return permissions.task_permissions(actor, task, order, group_ids)


def fallout_permissions(
    context: Context, fallout: FalloutRecord
) -> Now[permissions.FalloutPermissions]:
    actor = context.actor
    task = task_of(context.loaders, fallout)
    if task is None or isinstance(task, Task):
        return _of_fallout(actor, fallout, task)
    return later(task, lambda loaded: _of_fallout(actor, fallout, loaded))


def _of_fallout(
    actor: User, fallout: FalloutRecord, task: Task | None
) -> permissions.FalloutPermissions:
    if task is None:  # deleted with its fallout, so never seen; refused if it were
        return permissions.FalloutPermissions(reassign=False, resolve=False, fail_line_item=False)
    return permissions.fallout_permissions(actor, fallout, task)
