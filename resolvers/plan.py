"""Relations inside one order's plan, answered at once when the request has loaded the plan.

A plan query asks the same few relations of hundreds of tasks. Once the per-order loaders hold
the plan, each answer is a dictionary lookup; handing it back as a plain value rather than from
a coroutine spares GraphQL a coroutine, a task and a gather per field, which was most of what a
large plan cost. Until then, the same functions return the awaitable load, so that a task read
on its own (a list, a payload, an event) is answered as before.

The lists that return tasks first wait for what their tasks' selection will read (dependency
links, fallouts), so that every task field can then be answered at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from datetime import datetime
from typing import TypeAlias, TypeVar

from strawberry.dataloader import DataLoader

from models import DomainOrder, FalloutRecord, ServiceOrder, Task
from resolvers.context import Context
from resolvers.loaders import Links, Loaders, OrderDomainOrders, OrderFallouts, OrderTasks
from resolvers.visibility import readable_order
from services.permissions import task_permissions_read_groups
from services.policy import can_read_order

K = TypeVar("K")
V = TypeVar("V")
K2 = TypeVar("K2")
V2 = TypeVar("V2")
R = TypeVar("R")

# A value, or (until the request has loaded it) the awaitable that gives it.
Now: TypeAlias = R | Awaitable[R]

# Task fields that read the order's dependency links, and its fallouts.
LINK_FIELDS = frozenset({"dependsOn", "dependents"})
FALLOUT_FIELDS = frozenset({"fallouts"})
# Task fields that read the reader's assignment groups.
VIEWER_FIELDS = frozenset({"viewerCan"})


class _Pending:
    """Not loaded by this request yet (or its load failed: loading again raises the error)."""


PENDING = _Pending()


def peek(loader: DataLoader[K, V], key: K) -> V | _Pending:
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception():
        return PENDING
    return future.result()


def now_or_later(loader: DataLoader[K, V], key: K) -> Now[V]:
    """The value if this request has loaded it already, else the awaitable load."""
    found = peek(loader, key)
    return loader.load(key) if isinstance(found, _Pending) else found


def then(loader: DataLoader[K, V], key: K, answer: Callable[[V], R]) -> Now[R]:
    """`answer(value)` now if the value is loaded, else once it is."""
    found = peek(loader, key)
    if isinstance(found, _Pending):
        return later(loader.load(key), answer)
    return answer(found)


async def later(load: Awaitable[V], answer: Callable[[V], R]) -> R:
    return answer(await load)


def then_both(
    first: DataLoader[K, V],
    first_key: K,
    second: DataLoader[K2, V2],
    second_key: K2,
    answer: Callable[[V, V2], R],
) -> Now[R]:
    """`answer(first value, second value)` now if both are loaded, else once they are."""
    one, other = peek(first, first_key), peek(second, second_key)
    if isinstance(one, _Pending) or isinstance(other, _Pending):
        return _both_later(first.load(first_key), second.load(second_key), answer)
    return answer(one, other)


async def _both_later(one: Awaitable[V], other: Awaitable[V2], answer: Callable[[V, V2], R]) -> R:
    return answer(await one, await other)


async def prepare_tasks(context: Context, order_id: int, fields: Collection[str]) -> OrderTasks:
    """The order's tasks, once what the task `fields` asked for will read is loaded too: the
    plan's links and fallouts (in the tasks' batch), then the tasks' groups and assignees, and
    an agent's own groups (which tasks they may start depends on them)."""
    asked = set(fields)
    loaders = context.loaders
    tasks = loaders.tasks_by_order.load(order_id)
    links = loaders.task_links_by_order.load(order_id) if LINK_FIELDS & asked else None
    fallouts = loaders.fallouts_by_order.load(order_id) if FALLOUT_FIELDS & asked else None
    if links is not None:
        await links
    if fallouts is not None:
        await fallouts
    plan = await tasks
    people: list[Awaitable[object]] = []
    if "assignmentGroup" in asked:
        people.append(loaders.group.load_many({t.assignment_group_id for t in plan.tasks}))
    if "assignee" in asked:
        assignees = {t.assignee_id for t in plan.tasks if t.assignee_id is not None}
        people.append(loaders.user.load_many(assignees))
    if VIEWER_FIELDS & asked and task_permissions_read_groups(context.actor):
        people.append(loaders.group_ids_by_user.load(context.actor.id))
    for load in people:
        await load
    return plan


def depends_on(loaders: Loaders, task: Task) -> Now[list[Task]]:
    return _linked(loaders, task, lambda links: links.depends_on)


def dependents(loaders: Loaders, task: Task) -> Now[list[Task]]:
    return _linked(loaders, task, lambda links: links.dependents)


def _linked(
    loaders: Loaders, task: Task, side: Callable[[Links], Mapping[int, list[int]]]
) -> Now[list[Task]]:
    links = peek(loaders.task_links_by_order, task.service_order_id)
    plan = peek(loaders.tasks_by_order, task.service_order_id)
    if isinstance(links, _Pending) or isinstance(plan, _Pending):
        return _linked_later(loaders, task, side)
    return [plan.by_id[i] for i in side(links).get(task.id, []) if i in plan.by_id]


async def _linked_later(
    loaders: Loaders, task: Task, side: Callable[[Links], Mapping[int, list[int]]]
) -> list[Task]:
    # A task outside a loaded plan (a list's): its own edges, not its whole order's.
    links = await loaders.task_links_by_task.load(task.id)
    found = await loaders.task.load_many(side(links).get(task.id, []))
    return [row for row in found if row is not None]


def fallouts_of(loaders: Loaders, task: Task) -> Now[list[FalloutRecord]]:
    """Newest first."""

    def of_task(found: OrderFallouts) -> list[FalloutRecord]:
        return found.by_task.get(task.id, [])

    return then(loaders.fallouts_by_order, task.service_order_id, of_task)


def task_of(loaders: Loaders, fallout: FalloutRecord) -> Now[Task | None]:
    """A fallout's task: from its order's tasks, or on its own, when this request has either."""
    return task_in_order(loaders, fallout.service_order_id, fallout.task_id)


def task_in_order(loaders: Loaders, order_id: int, task_id: int) -> Now[Task | None]:
    """A task of the order: from the order's tasks, or on its own, when this request has
    either (a fallout's task, the task a compensating task undoes)."""
    tasks = peek(loaders.tasks_by_order, order_id)
    if not isinstance(tasks, _Pending):
        return tasks.by_id.get(task_id)
    found = peek(loaders.task, task_id)
    if not isinstance(found, _Pending):
        return found
    return loaders.task_in_order(order_id, task_id)


def domain_order_of(loaders: Loaders, task: Task) -> Now[DomainOrder | None]:
    domain_order_id = task.domain_order_id
    return in_domain_orders(
        loaders, task.service_order_id, lambda plan: plan.by_id.get(domain_order_id)
    )


def in_domain_orders(
    loaders: Loaders, order_id: int, answer: Callable[[OrderDomainOrders], R]
) -> Now[R]:
    """`answer` from the order's domain orders."""
    return then(loaders.domain_orders_by_order, order_id, answer)


def readable_order_now(context: Context, order_id: int) -> Now[ServiceOrder | None]:
    """The order, if it exists and the reader may see it (services/policy.py)."""
    found = peek(context.loaders.order, order_id)
    if isinstance(found, _Pending):
        return readable_order(context, order_id)
    return found if found is not None and can_read_order(context.actor, found) else None


def critical_path(tasks: Iterable[Task]) -> list[Task]:
    """The tasks on the critical path (no slack), in planned order."""
    planned: list[tuple[datetime, datetime, int, Task]] = [
        (task.planned_start_at, task.planned_end_at, task.id, task)
        for task in tasks
        if task.on_critical_path
        and task.planned_start_at is not None
        and task.planned_end_at is not None
    ]
    return [task for *_, task in sorted(planned, key=lambda row: row[:3])]
