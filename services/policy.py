"""The permissions policy: who may read what and who may do what. The one place the schema and
the services consult.

Three parts:
- the role table: what each role may do at all;
- the read rules: which orders, tasks, fallouts, events, users… a reader may read. The rules
  about many rows are `Scope`s (data), so that the check on a row in hand (`can_read_*`) and
  the query for many (services/queries/scoping.py) are one rule;
- the rules for acting on an object (whose task it is, which groups one works in).

Every rule that judges something for a user is registered in `RULES` with the users it asks
who they are. `view_key` (which subscribers may share one rendering) is derived from that
table, and tests/services/test_view_key.py checks every rule in it on the demo data, and that
no rule of this module is missing from it. A new rule is one more predicate and one more entry.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from models import (
    AssignmentGroup,
    DomainOrder,
    Event,
    FalloutRecord,
    LineItem,
    ServiceOrder,
    ServiceSpecification,
    SoldProduct,
    Task,
    TaskTemplate,
    User,
)
from models.enums import Role
from services.errors import ForbiddenError


class Action(StrEnum):
    READ = "READ"
    SUBSCRIBE = "SUBSCRIBE"
    SUBMIT_ORDER = "SUBMIT_ORDER"
    APPROVE_ORDER = "APPROVE_ORDER"
    REJECT_ORDER = "REJECT_ORDER"
    REOPEN_ORDER = "REOPEN_ORDER"
    HOLD_ORDER = "HOLD_ORDER"
    RESUME_ORDER = "RESUME_ORDER"
    REVISE_ORDER = "REVISE_ORDER"
    CANCEL_ORDER = "CANCEL_ORDER"
    START_TASK = "START_TASK"
    COMPLETE_TASK = "COMPLETE_TASK"
    REASSIGN_TASK = "REASSIGN_TASK"
    CREATE_FALLOUT = "CREATE_FALLOUT"
    REASSIGN_FALLOUT = "REASSIGN_FALLOUT"
    RESOLVE_FALLOUT = "RESOLVE_FALLOUT"
    MANAGE_CATALOG = "MANAGE_CATALOG"
    MANAGE_USERS = "MANAGE_USERS"
    # Automated tasks, over the external-task protocol (services/automation/).
    FETCH_TASKS = "FETCH_TASKS"
    COMPLETE_AUTOMATED_TASK = "COMPLETE_AUTOMATED_TASK"
    FAIL_AUTOMATED_TASK = "FAIL_AUTOMATED_TASK"
    EXTEND_TASK_LOCK = "EXTEND_TASK_LOCK"


_EVERYONE = frozenset(Role)

POLICY: dict[Action, frozenset[Role]] = {
    Action.READ: _EVERYONE,
    Action.SUBSCRIBE: _EVERYONE,
    Action.SUBMIT_ORDER: frozenset({Role.INTEGRATOR, Role.ORDER_MANAGER}),
    Action.APPROVE_ORDER: frozenset({Role.ORDER_MANAGER}),
    Action.REJECT_ORDER: frozenset({Role.ORDER_MANAGER}),
    Action.REOPEN_ORDER: frozenset({Role.ORDER_MANAGER}),
    Action.HOLD_ORDER: frozenset({Role.ORDER_MANAGER}),
    Action.RESUME_ORDER: frozenset({Role.ORDER_MANAGER}),
    # A partner revises its own order before it is planned (can_revise_order).
    Action.REVISE_ORDER: frozenset({Role.ORDER_MANAGER, Role.INTEGRATOR}),
    # A partner may ask to cancel the orders it submitted (TMF641 cancelServiceOrder).
    Action.CANCEL_ORDER: frozenset({Role.ORDER_MANAGER, Role.INTEGRATOR}),
    Action.START_TASK: frozenset({Role.FULFILLMENT_AGENT}),
    Action.COMPLETE_TASK: frozenset({Role.FULFILLMENT_AGENT}),
    Action.REASSIGN_TASK: frozenset({Role.ORDER_MANAGER}),
    Action.CREATE_FALLOUT: frozenset({Role.ORDER_MANAGER, Role.FULFILLMENT_AGENT}),
    Action.REASSIGN_FALLOUT: frozenset({Role.ORDER_MANAGER}),
    Action.RESOLVE_FALLOUT: frozenset({Role.ORDER_MANAGER}),
    Action.MANAGE_CATALOG: frozenset({Role.ADMIN}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    # Only the workers' service accounts: a person decides an automated task's fate through
    # its fallout, never by answering for the worker.
    Action.FETCH_TASKS: frozenset({Role.AUTOMATION}),
    Action.COMPLETE_AUTOMATED_TASK: frozenset({Role.AUTOMATION}),
    Action.FAIL_AUTOMATED_TASK: frozenset({Role.AUTOMATION}),
    Action.EXTEND_TASK_LOCK: frozenset({Role.AUTOMATION}),
}


def roles_of(user: User) -> frozenset[Role]:
    return _known_roles(tuple(user.roles))


@lru_cache(maxsize=64)
def _known_roles(names: tuple[str, ...]) -> frozenset[Role]:
    # Cached: a plan's `viewerCan` asks the policy about the reader thousands of times, and
    # users share a handful of role lists.
    return frozenset(Role(r) for r in names if r in Role.__members__)


def is_allowed(user: User, action: Action) -> bool:
    return user.is_active and not roles_of(user).isdisjoint(POLICY[action])


def require(user: User, action: Action) -> None:
    if not is_allowed(user, action):
        raise ForbiddenError(f"You may not {action.value.lower().replace('_', ' ')}.")


# --- Reading ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """The rows of one kind a reader may read: every row (`only` empty), or the rows whose
    fields have the values in `only` (field name, value). A row in hand is judged by `admits`;
    services/queries/scoping.py makes the same condition a query filter. A kind with a rule
    of its own gets a scope of its own (say `readable_sold_products`, by customer), which its
    `can_read_*` and its list both use."""

    only: tuple[tuple[str, object], ...] = ()

    @property
    def is_everything(self) -> bool:
        return not self.only

    def admits(self, row: object) -> bool:
        # `not self.only` first: a plan asks this of every user field of every task, mostly
        # for readers who read everything.
        return not self.only or all(getattr(row, name) == value for name, value in self.only)


EVERYTHING = Scope()


_INTEGRATOR_ONLY = frozenset({Role.INTEGRATOR})


def _sees_only_own_orders(reader: User) -> bool:
    """Partner systems (integrators) read the orders they submitted and what hangs from them,
    and no one but themselves."""
    return roles_of(reader) <= _INTEGRATOR_ONLY


def readable_orders(reader: User) -> Scope:
    """Integrators read the orders they submitted and nothing else; every other role reads all."""
    if _sees_only_own_orders(reader):
        return Scope((("submitted_by_id", reader.id),))
    return EVERYTHING


def readable_users(reader: User) -> Scope:
    """Partners see themselves; everyone else sees the people who work the orders."""
    if _sees_only_own_orders(reader):
        return Scope((("id", reader.id),))
    return EVERYTHING


def can_read_order(reader: User, order: ServiceOrder) -> bool:
    return readable_orders(reader).admits(order)


# What belongs to an order is as readable as the order: each kind has its own predicate (given
# the order it belongs to) so that a rule of its own is one more line here, not a new path.


def can_read_line_item(reader: User, item: LineItem, order: ServiceOrder) -> bool:
    return can_read_order(reader, order)


def readable_sold_products(reader: User) -> Scope:
    """The orders through which a reader reads sold products: a product is readable if the
    order of the line item that created it, or of one that changed it, is in this scope
    (services/queries/scoping.py joins it both ways). Partners therefore read the products
    they ordered or changed; there is no customer-to-partner relation to use instead."""
    return readable_orders(reader)


def can_read_sold_product(
    reader: User, product: SoldProduct, orders: Collection[ServiceOrder]
) -> bool:
    """`orders`: the orders of the line items that created or changed the product."""
    scope = readable_sold_products(reader)
    return scope.is_everything or any(scope.admits(order) for order in orders)


def can_read_domain_order(reader: User, domain_order: DomainOrder, order: ServiceOrder) -> bool:
    return can_read_order(reader, order)


def can_read_task(reader: User, task: Task, order: ServiceOrder) -> bool:
    return can_read_order(reader, order)


def can_read_fallout(reader: User, fallout: FalloutRecord, order: ServiceOrder) -> bool:
    return can_read_order(reader, order)


def can_read_event(reader: User, event: Event, order: ServiceOrder | None) -> bool:
    """An event of an order is as readable as the order; one of no order, as every order is.
    `order`: the event's order, None for an event of none."""
    if order is None:
        return reads_every_event(reader)
    return can_read_order(reader, order)


def reads_every_event(reader: User) -> bool:
    """Whether `can_read_event` holds for the reader whatever the event: then no one need load
    an event's order to answer it (a subscription of a viewer loads none)."""
    return readable_orders(reader).is_everything


def can_read_user(reader: User, user: User) -> bool:
    """By `node(id:)` and through every field that shows a user (assignee, decided by…)."""
    return readable_users(reader).admits(user)


ReferenceData = AssignmentGroup | ServiceSpecification | TaskTemplate


def can_read_reference(reader: User, row: ReferenceData) -> bool:
    """The catalog and the assignment groups: what everyone works with, partners included."""
    return True


# --- Acting on an object ------------------------------------------------------------------


def can_revise_order(user: User, order: ServiceOrder, in_flight: bool) -> bool:
    """A manager revises any order; a partner only one it submitted, and only before it is
    planned (`in_flight` False): re-planning work in fulfilment is the operator's decision."""
    if not is_allowed(user, Action.REVISE_ORDER):
        return False
    if Role.ORDER_MANAGER in roles_of(user):
        return True
    return not in_flight and order.submitted_by_id == user.id


def can_cancel_order(user: User, order: ServiceOrder) -> bool:
    """A manager cancels any order (or its items); a partner only the orders it submitted."""
    if not is_allowed(user, Action.CANCEL_ORDER):
        return False
    return Role.ORDER_MANAGER in roles_of(user) or order.submitted_by_id == user.id


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


# --- One rendering for many ---------------------------------------------------------------


def _never(user: User) -> bool:
    return False


def _narrowed(scope: Callable[[User], Scope]) -> Callable[[User], bool]:
    """A read rule asks who the reader is when it lets them read less than everything."""
    return lambda user: not scope(user).is_everything


# Every rule above that judges something for a user, with the users whose answers depend on who
# they are (their id, their groups), not only on their roles and whether they are active.
RULES: dict[Callable[..., bool], Callable[[User], bool]] = {
    is_allowed: _never,
    can_read_order: _narrowed(readable_orders),
    can_read_line_item: _narrowed(readable_orders),
    can_read_sold_product: _narrowed(readable_sold_products),
    can_read_domain_order: _narrowed(readable_orders),
    can_read_task: _narrowed(readable_orders),
    can_read_fallout: _narrowed(readable_orders),
    can_read_event: _narrowed(readable_orders),
    reads_every_event: _never,
    can_read_user: _narrowed(readable_users),
    can_read_reference: _never,
    can_revise_order: lambda user: (
        is_allowed(user, Action.REVISE_ORDER) and Role.ORDER_MANAGER not in roles_of(user)
    ),
    can_cancel_order: lambda user: (
        is_allowed(user, Action.CANCEL_ORDER) and Role.ORDER_MANAGER not in roles_of(user)
    ),
    can_start_task: lambda user: is_allowed(user, Action.START_TASK),
    can_complete_task: lambda user: is_allowed(user, Action.COMPLETE_TASK),
    can_create_fallout: lambda user: (
        is_allowed(user, Action.CREATE_FALLOUT) and Role.ORDER_MANAGER not in roles_of(user)
    ),
    can_resolve_fallout: _never,
    can_be_assigned_tasks: _never,
}


def view_key(user: User) -> Hashable:
    """Users with equal keys get equal answers from every rule in `RULES`, about any object:
    what they may read and what they may do to it. Subscribers that share a key can be shown
    one rendering of a change. Their roles are the key, unless a rule asks who they are: then
    it is the user."""
    if any(asks_who(user) for asks_who in RULES.values()):
        return ("user", user.id)
    return ("roles", roles_of(user), user.is_active)
