"""What a user may do now: to an order, a task, a fallout, and by their roles alone.

Each flag is the check its operation makes, put together from the same two places: who may
(services/policy.py) and what the object's state allows (the `rules` module beside the
operation). The API shows them as `viewerCan` / `can`, so that a front end offers an action
exactly when the operation would accept it (the operation's inputs aside: a reason, an
assignee, a version).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from models import FalloutRecord, LineItem, ServiceOrder, Task, User
from services.fallouts import rules as fallouts_rules
from services.orders import rules as orders_rules
from services.policy import (
    Action,
    can_be_assigned_tasks,
    can_cancel_order,
    can_complete_task,
    can_create_fallout,
    can_resolve_fallout,
    can_revise_order,
    can_start_task,
    is_allowed,
)
from services.tasks import rules as tasks_rules


@dataclass(frozen=True, slots=True)
class OrderPermissions:
    approve: bool
    reject: bool
    reopen: bool
    hold: bool
    resume: bool
    revise: bool
    cancel: bool


@dataclass(frozen=True, slots=True)
class LineItemPermissions:
    revise: bool
    cancel: bool


@dataclass(frozen=True, slots=True)
class TaskPermissions:
    start: bool
    complete: bool
    reassign: bool
    create_fallout: bool


@dataclass(frozen=True, slots=True)
class FalloutPermissions:
    reassign: bool
    resolve: bool
    fail_line_item: bool


@dataclass(frozen=True, slots=True)
class RolePermissions:
    """What the user's roles allow, whatever the object (an object may still refuse)."""

    submit_orders: bool
    approve_orders: bool
    reject_orders: bool
    reopen_orders: bool
    hold_orders: bool
    resume_orders: bool
    revise_orders: bool
    cancel_orders: bool
    start_tasks: bool
    complete_tasks: bool
    reassign_tasks: bool
    create_fallouts: bool
    reassign_fallouts: bool
    resolve_fallouts: bool
    be_assigned_tasks: bool


def order_permissions(user: User, order: ServiceOrder) -> OrderPermissions:
    return OrderPermissions(
        approve=orders_rules.can_be_approved(order) and is_allowed(user, Action.APPROVE_ORDER),
        reject=orders_rules.can_be_rejected(order) and is_allowed(user, Action.REJECT_ORDER),
        reopen=orders_rules.can_be_reopened(order) and is_allowed(user, Action.REOPEN_ORDER),
        hold=orders_rules.can_be_held(order) and is_allowed(user, Action.HOLD_ORDER),
        resume=orders_rules.can_be_resumed(order) and is_allowed(user, Action.RESUME_ORDER),
        revise=orders_rules.can_be_revised(order)
        and can_revise_order(user, order, orders_rules.is_revised_in_flight(order)),
        cancel=orders_rules.can_be_cancelled_whole(order) and can_cancel_order(user, order),
    )


def line_item_permissions(user: User, item: LineItem, order: ServiceOrder) -> LineItemPermissions:
    """`order`: the item's. Cancelling one item is cancelling the order for that item; revising
    it (changing or removing it) is revising the order, unless the item is past its point of no
    return or its work is over (then it can only be kept as it is)."""
    return LineItemPermissions(
        revise=orders_rules.line_item_can_be_revised(item)
        and orders_rules.can_be_revised(order)
        and can_revise_order(user, order, orders_rules.is_revised_in_flight(order)),
        cancel=orders_rules.item_can_be_cancelled(item)
        and orders_rules.can_be_cancelled(order)
        and can_cancel_order(user, order),
    )


def task_permissions(
    user: User, task: Task, order: ServiceOrder, user_group_ids: Collection[int]
) -> TaskPermissions:
    """`order`: the task's (a held one starts no task); `user_group_ids`: the user's assignment
    groups (an agent claims a task of theirs)."""
    # The state rule first: it is the cheaper check, and most tasks of a plan fail it.
    return TaskPermissions(
        start=tasks_rules.can_be_started(task, order)
        and can_start_task(user, task, user_group_ids),
        complete=tasks_rules.can_be_completed(task) and can_complete_task(user, task),
        reassign=tasks_rules.can_be_reassigned(task) and is_allowed(user, Action.REASSIGN_TASK),
        create_fallout=tasks_rules.can_be_put_on_hold(task) and can_create_fallout(user, task),
    )


def task_permissions_read_groups(user: User) -> bool:
    """Whether `task_permissions` depends on the user's groups: only for one who may start
    tasks at all, so that no one else's groups need reading."""
    return is_allowed(user, Action.START_TASK)


def fallout_permissions(user: User, fallout: FalloutRecord, task: Task) -> FalloutPermissions:
    """`task`: the fallout's task (resolving decides its fate, so it must be on hold)."""
    return FalloutPermissions(
        reassign=fallouts_rules.can_be_reassigned(fallout)
        and is_allowed(user, Action.REASSIGN_FALLOUT),
        resolve=fallouts_rules.can_be_resolved(fallout, task)
        and can_resolve_fallout(user, fallout),
        fail_line_item=fallouts_rules.can_fail_line_item(fallout, task)
        and can_resolve_fallout(user, fallout),
    )


def role_permissions(user: User) -> RolePermissions:
    return RolePermissions(
        submit_orders=is_allowed(user, Action.SUBMIT_ORDER),
        approve_orders=is_allowed(user, Action.APPROVE_ORDER),
        reject_orders=is_allowed(user, Action.REJECT_ORDER),
        reopen_orders=is_allowed(user, Action.REOPEN_ORDER),
        hold_orders=is_allowed(user, Action.HOLD_ORDER),
        resume_orders=is_allowed(user, Action.RESUME_ORDER),
        revise_orders=is_allowed(user, Action.REVISE_ORDER),
        cancel_orders=is_allowed(user, Action.CANCEL_ORDER),
        start_tasks=is_allowed(user, Action.START_TASK),
        complete_tasks=is_allowed(user, Action.COMPLETE_TASK),
        reassign_tasks=is_allowed(user, Action.REASSIGN_TASK),
        create_fallouts=is_allowed(user, Action.CREATE_FALLOUT),
        reassign_fallouts=is_allowed(user, Action.REASSIGN_FALLOUT),
        resolve_fallouts=is_allowed(user, Action.RESOLVE_FALLOUT),
        be_assigned_tasks=can_be_assigned_tasks(user),
    )
