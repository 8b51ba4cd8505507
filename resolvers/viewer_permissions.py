"""`viewerCan`: what the reader may do to an object now, as services/permissions.py says.

Answered at once when what it reads is loaded (like the plan's relations, resolvers/plan.py):
a plan asks it of every task. A task's answer needs an agent's groups, read once per request
(before the tasks when a plan's tasks ask for it); a fallout's needs its task.
"""

from __future__ import annotations

from models import FalloutRecord, LineItem, ServiceOrder, Task, User
from resolvers.context import Context
from resolvers.plan import Now, later, task_of, then
from services import permissions


def order_permissions(context: Context, order: ServiceOrder) -> Now[permissions.OrderPermissions]:
    actor = context.actor
    return then(
        context.loaders.line_items_by_order,
        order.id,
        lambda items: permissions.order_permissions(actor, order, items),
    )


def line_item_permissions(context: Context, item: LineItem) -> Now[permissions.LineItemPermissions]:
    actor = context.actor

    def of_order(order: ServiceOrder | None) -> permissions.LineItemPermissions:
        if order is None:  # deleted with its items, so never seen
            return permissions.LineItemPermissions(cancel=False)
        return permissions.line_item_permissions(actor, item, order)

    return then(context.loaders.order, item.service_order_id, of_order)


def task_permissions(context: Context, task: Task) -> Now[permissions.TaskPermissions]:
    actor = context.actor
    if not permissions.task_permissions_read_groups(actor):
        return permissions.task_permissions(actor, task, ())
    return then(
        context.loaders.group_ids_by_user,
        actor.id,
        lambda group_ids: permissions.task_permissions(actor, task, group_ids),
    )


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
        return permissions.FalloutPermissions(reassign=False, resolve=False)
    return permissions.fallout_permissions(actor, fallout, task)
