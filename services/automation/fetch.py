"""A worker fetches and locks READY automated tasks of its handlers (Camunda's fetch-and-lock).

One transaction, two statements that never wait, so that workers never queue behind each
other nor behind the people working the same orders:

1. the orders: those (not HELD) that have READY automated tasks of the handlers whose next
   attempt is due, oldest first, at most `maxTasks` of them, `FOR UPDATE SKIP LOCKED` — an
   order someone holds right now (a completion of one of its tasks, a person's change) is
   passed over, and the next one with work is taken instead;
2. their due tasks, oldest first, `FOR UPDATE SKIP LOCKED` too, taken from each order in turn
   up to `maxTasks` (`spread`): the completions of one order's tasks run one after another
   behind its lock, those of different orders at once.

The order lock first, then the tasks: the lock order of every change (services/locking.py),
so nothing another transaction holds is waited for, and a task is never handed out twice: it
is taken only with its order locked. Taking the tasks first and their orders after (as this
did) left a fetch empty whenever its oldest candidates belonged to orders being completed,
while younger orders had work; measured in README, *Performance*.

Then each task taken: IN_PROGRESS, attempts + 1, `locked_by` and `lock_expires_at` (the
worker's lockSeconds, at most the template's), a task.locked event, its point of no return
passed if it is one, the rollup of its domain order; and its context
(services/automation/context.py). SQLite serialises writers anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from itertools import zip_longest

from tortoise.expressions import Q, Subquery

from models import ServiceOrder, Task, User
from models.enums import ServiceOrderState, TaskKind, TaskState
from services.automation.context import LockedTask, locked_tasks
from services.automation.inputs import count_of, handlers_of, worker_id_of
from services.events.kinds import EventKind
from services.events.recorders import record_task
from services.limits import MAX_FETCH_TASKS, MAX_LOCK_SECONDS
from services.orders.point_of_no_return import pass_point_of_no_return
from services.orders.rules import starts_no_task
from services.policy import Action, require
from services.rollup import roll_up
from services.tasks.worker_lock import LOCK_FIELDS, take_lock
from services.unit_of_work import unit_of_work

# What a fetch writes to each task it takes.
FETCH_FIELDS = [
    "state",
    "attempts",
    *LOCK_FIELDS,
    "next_attempt_at",
    "started_at",
    "version",
    "updated_at",
]


async def fetch_and_lock_tasks(
    actor: User,
    *,
    worker_id: str,
    handlers: Sequence[str],
    max_tasks: int,
    lock_seconds: int,
    service_order_id: int | None = None,
) -> list[LockedTask]:
    """Lock up to `max_tasks` due READY tasks of `handlers` to `worker_id`; [] if none is due.

    `service_order_id`: only that order's (the demo seed works one order at a time)."""
    async with unit_of_work(actor) as uow:
        require(actor, Action.FETCH_TASKS)
        worker = worker_id_of(worker_id)
        topics = handlers_of(handlers)
        limit = count_of(max_tasks, field="maxTasks", what="maxTasks", most=MAX_FETCH_TASKS)
        seconds = count_of(
            lock_seconds, field="lockSeconds", what="lockSeconds", most=MAX_LOCK_SECONDS
        )
        at = uow.started_at
        due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at)
        ready = Task.filter(due, handler__in=topics, state=TaskState.READY, kind=TaskKind.AUTOMATED)
        if service_order_id is not None:
            ready = ready.filter(service_order_id=service_order_id)
        # A HELD order starts no task (services/orders/rules.py): it is left out here, so that
        # its tasks do not fill the batch and starve the others.
        orders = {
            order.id: order
            for order in await ServiceOrder.filter(
                id__in=Subquery(ready.values("service_order_id"))
            )
            .exclude(state=ServiceOrderState.HELD)
            .order_by("id")
            .limit(limit)
            .select_for_update(skip_locked=True)
            if not starts_no_task(order)
        }
        if not orders:
            return []
        # `limit` rows per order locked, oldest first: enough for `spread` to take from each,
        # unless older orders fill them alone (one order's backlog); the batch is then theirs,
        # and the younger orders were locked for this short transaction only.
        candidates = (
            await ready.filter(service_order_id__in=sorted(orders))
            .order_by("id")
            .limit(limit * len(orders))
            .select_for_update(skip_locked=True)
        )
        taken = spread(candidates, limit)
        touched: dict[int, set[int]] = {}
        for task in taken:
            previous = task.state
            task.state = TaskState.IN_PROGRESS
            task.attempts += 1
            take_lock(uow, task, worker, at + timedelta(seconds=min(seconds, task.lock_seconds)))
            task.next_attempt_at = None
            task.started_at = at
            task.version += 1
            await task.save(update_fields=FETCH_FIELDS)
            record_task(uow, EventKind.TASK_LOCKED, task, previous_state=previous)
            # A worker's start is a start: a point of no return is passed as by a person's.
            await pass_point_of_no_return(uow, orders[task.service_order_id], task)
            touched.setdefault(task.service_order_id, set()).add(task.domain_order_id)
        for order_id, domain_order_ids in touched.items():
            await roll_up(uow, orders[order_id], domain_order_ids)
        return await locked_tasks(taken, orders)


def spread(candidates: Sequence[Task], limit: int) -> list[Task]:
    """Up to `limit` of `candidates` (oldest first), taking in turn from each order: the tasks
    of one order are completed one after another behind its lock, those of different orders at
    once."""
    by_order: dict[int, list[Task]] = {}
    for task in candidates:
        by_order.setdefault(task.service_order_id, []).append(task)
    rounds = zip_longest(*by_order.values())
    return [task for tasks in rounds for task in tasks if task is not None][:limit]
