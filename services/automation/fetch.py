"""A worker fetches and locks READY automated tasks of its handlers (Camunda's fetch-and-lock).

One transaction, two statements that never wait, so that workers never queue behind each
other nor behind the people working the same orders:

1. the candidates: READY automated tasks of the handlers whose next attempt is due, oldest
   first, `FOR UPDATE SKIP LOCKED` — a task another worker is taking right now is skipped,
   never handed out twice;
2. their orders, `FOR UPDATE SKIP LOCKED` too: the rule that every change locks the order row
   first (services/locking.py) holds, but a worker takes only the tasks of the orders it could
   lock at once. The tasks of an order someone else holds stay READY for the next poll. Taking
   the order lock after the task locks is the reverse of everyone else's order, which is safe
   only because it never waits: a transaction that holds the order and wants the task waits
   for this short one, never the other way round.

Then each task taken: IN_PROGRESS, attempts + 1, `locked_by` and `lock_expires_at` (the
worker's lockSeconds, at most the template's), a task.locked event, its point of no return
passed if it is one, the rollup of its domain order; and its context
(services/automation/context.py). SQLite serialises writers anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

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
        # A HELD order starts no task (services/orders/rules.py): its tasks are left out here,
        # so that they do not fill the batch and starve the others.
        held = ServiceOrder.filter(state=ServiceOrderState.HELD).values("id")
        query = Task.filter(due, handler__in=topics, state=TaskState.READY).exclude(
            service_order_id__in=Subquery(held)
        )
        if service_order_id is not None:
            query = query.filter(service_order_id=service_order_id)
        candidates = (
            await query.filter(kind=TaskKind.AUTOMATED)
            .order_by("id")
            .limit(limit)
            .select_for_update(skip_locked=True)
        )
        if not candidates:
            return []
        orders = {
            order.id: order
            for order in await ServiceOrder.filter(
                id__in=sorted({task.service_order_id for task in candidates})
            ).select_for_update(skip_locked=True)
        }
        # Re-checked under the lock: an order held since the candidates were read is skipped.
        taken = [
            task
            for task in candidates
            if task.service_order_id in orders and not starts_no_task(orders[task.service_order_id])
        ]
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
