"""The permissions policy: who may do what. The one place the schema and the services consult.

Role rules are the table below; rules that depend on the object (whose task it is, who
submitted the order) are the predicates after it.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from enum import StrEnum
from functools import lru_cache

from models import FalloutRecord, ServiceOrder, Task, User
from models.enums import Role
from services.errors import ForbiddenError


class Action(StrEnum):
    READ = "READ"
    SUBSCRIBE = "SUBSCRIBE"
    SUBMIT_ORDER = "SUBMIT_ORDER"
    APPROVE_ORDER = "APPROVE_ORDER"
    REJECT_ORDER = "REJECT_ORDER"
    REOPEN_ORDER = "REOPEN_ORDER"
    START_TASK = "START_TASK"
    COMPLETE_TASK = "COMPLETE_TASK"
    REASSIGN_TASK = "REASSIGN_TASK"
    CREATE_FALLOUT = "CREATE_FALLOUT"
    REASSIGN_FALLOUT = "REASSIGN_FALLOUT"
    RESOLVE_FALLOUT = "RESOLVE_FALLOUT"
    MANAGE_CATALOG = "MANAGE_CATALOG"
    MANAGE_USERS = "MANAGE_USERS"


_EVERYONE = frozenset(Role)

POLICY: dict[Action, frozenset[Role]] = {
    Action.READ: _EVERYONE,
    Action.SUBSCRIBE: _EVERYONE,
    Action.SUBMIT_ORDER: frozenset({Role.INTEGRATOR, Role.ORDER_MANAGER}),
    Action.APPROVE_ORDER: frozenset({Role.ORDER_MANAGER}),
    Action.REJECT_ORDER: frozenset({Role.ORDER_MANAGER}),
    Action.REOPEN_ORDER: frozenset({Role.ORDER_MANAGER}),
    Action.START_TASK: frozenset({Role.FULFILLMENT_AGENT}),
    Action.COMPLETE_TASK: frozenset({Role.FULFILLMENT_AGENT}),
    Action.REASSIGN_TASK: frozenset({Role.ORDER_MANAGER}),
    Action.CREATE_FALLOUT: frozenset({Role.ORDER_MANAGER, Role.FULFILLMENT_AGENT}),
    Action.REASSIGN_FALLOUT: frozenset({Role.ORDER_MANAGER}),
    Action.RESOLVE_FALLOUT: frozenset({Role.ORDER_MANAGER}),
    Action.MANAGE_CATALOG: frozenset({Role.ADMIN}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
}


def roles_of(user: User) -> frozenset[Role]:
    return _known_roles(tuple(user.roles))


@lru_cache(maxsize=64)
def _known_roles(names: tuple[str, ...]) -> frozenset[Role]:
    # Cached: a plan's `viewerCan` asks the policy about the reader thousands of times, and
    # users share a handful of role lists.
    return frozenset(Role(r) for r in names if r in Role.__members__)


def is_allowed(user: User, action: Action) -> bool:
    return user.is_active and bool(roles_of(user) & POLICY[action])


def require(user: User, action: Action) -> None:
    if not is_allowed(user, action):
        raise ForbiddenError(f"You may not {action.value.lower().replace('_', ' ')}.")


def sees_only_own_orders(user: User) -> bool:
    """Integrators read the orders they submitted and nothing else; every other role reads all."""
    return roles_of(user) <= {Role.INTEGRATOR}


def can_read_order(user: User, order: ServiceOrder) -> bool:
    return not sees_only_own_orders(user) or order.submitted_by_id == user.id


def can_start_task(user: User, task: Task, user_group_ids: Collection[int]) -> bool:
    """An agent starts a task assigned to them, or an unassigned one of their groups.

    A task assigned to someone else stays theirs until a manager reassigns it.
    """
    if not is_allowed(user, Action.START_TASK):
        return False
    if task.assignee_id is not None:
        return task.assignee_id == user.id
    return task.assignment_group_id in user_group_ids


def can_complete_task(user: User, task: Task) -> bool:
    return is_allowed(user, Action.COMPLETE_TASK) and task.assignee_id == user.id


def can_create_fallout(user: User, task: Task) -> bool:
    """A manager reports fallout on any task; an agent only on a task assigned to them."""
    if not is_allowed(user, Action.CREATE_FALLOUT):
        return False
    return Role.ORDER_MANAGER in roles_of(user) or task.assignee_id == user.id


def can_resolve_fallout(user: User, fallout: FalloutRecord) -> bool:
    return is_allowed(user, Action.RESOLVE_FALLOUT)


def can_be_assigned_tasks(user: User) -> bool:
    """Tasks (and the fallout on them) go only to people who may work them."""
    return is_allowed(user, Action.START_TASK) and is_allowed(user, Action.COMPLETE_TASK)


def view_key(user: User) -> Hashable:
    """Users with equal keys get equal answers from every rule here, about any object: what
    they may read and what they may do to it. Subscribers that share a key can be shown one
    rendering of a change. Their roles are the key, unless a rule of theirs also asks who they
    are (their own orders, tasks assigned to them, their groups): then it is the user."""
    roles = roles_of(user)
    asks_who = (
        sees_only_own_orders(user)
        or is_allowed(user, Action.START_TASK)
        or is_allowed(user, Action.COMPLETE_TASK)
        or (is_allowed(user, Action.CREATE_FALLOUT) and Role.ORDER_MANAGER not in roles)
    )
    return ("user", user.id) if asks_who else ("roles", roles, user.is_active)
