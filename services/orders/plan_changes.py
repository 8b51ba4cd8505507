"""Writing a `PlanChanges` (services/orders/replanning.py) to one line item's rows.

`replan` and `plan_cancellation` decide what changes; this module only persists it, as
`decomposition.py` persists a new plan. It serves cancellation (`cancel.py`: the item re-planned
to nothing) and in-flight revision (the item re-planned to its new plan) alike.

How to call it, inside the unit of work, with the order locked and everything checked:

```python
old = await load_persisted_plan(item)                      # the item's plan as it stands
catalog = await load_catalog_graph({item.specification_id})  # templates of old and new plan
new = plan_line_item(catalog, item.specification_id, ...)  # or EMPTY_PLAN to cancel it
changes = replan(catalog, old, new)                        # or plan_cancellation(catalog, old)
written = await write_plan_changes(uow, order, item, changes, new, reason=reason)
...                                                        # the same for other items
await roll_up(uow, order, written.domain_order_ids)        # once, with every item's ids
```

To cancel a whole item, set `item.cancelled_at` (and save it) before rolling up: the rollup
then makes the item CANCELLING while a compensating task is open, and CANCELLED after.

What it writes:
- domain orders: the new plan's created ones (numbered, placed after every existing sibling);
  the cancelled ones get `cancelled_at` (the rollup makes them CANCELLING, then CANCELLED);
- cancelled tasks: CANCELLED, each with a `task.cancelled` event carrying its assignee (their
  `taskChanged(filter: {assigneeId})` gets it) and `reason`; their open fallouts CANCELLED
  with `fallout.cancelled`;
- created tasks (the new plan's, and the compensating ones with `compensates`): one
  `task.created` each, READY or PENDING as `changes.ready` says;
- kept tasks that have not started: READY or PENDING as `changes.ready` says (`task.ready`,
  or `task.waiting` for one that gained an unfinished predecessor); a PENDING one that a
  fallout resolution already decided (`deferred_outcome`) finishes as decided instead of
  becoming READY, and releases its dependents, as `tasks/readiness.py` does (a marked one
  COMPLETED so passes its item's point of no return, as `tasks/finish.py` does);
- the item's dependency rows made equal to `changes.dependencies` (only the difference is
  written).
It does not roll up: the caller does, once for all the items it changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from models import DomainOrder, FalloutRecord, LineItem, ServiceOrder, Task, TaskDependency
from models.enums import FALLOUT_OPEN_STATES, TASK_DONE_STATES, FalloutState, TaskState
from services.automation_policy import task_columns
from services.events.kinds import EventKind
from services.events.recorders import record_fallout, record_task
from services.numbering import NumberKind, allocate_numbers
from services.orders.planning import EMPTY_PLAN, LineItemPlan
from services.orders.point_of_no_return import pass_by_completion
from services.orders.replanning import (
    Compensating,
    Created,
    Existing,
    PersistedDomainOrder,
    PersistedPlan,
    PersistedTask,
    PlanChanges,
    TaskRef,
)
from services.tasks.readiness import (
    FINISH_FIELDS,
    FINISHED_KIND,
    mark_finished,
    release_dependents,
)
from services.tasks.rules import state_when_released
from services.tasks.worker_lock import LOCK_FIELDS, Attempt, end_attempt
from services.unit_of_work import UnitOfWork

_WAITING = frozenset({TaskState.PENDING, TaskState.READY})


@dataclass(frozen=True)
class WrittenPlanChanges:
    created_tasks: tuple[Task, ...]  # in the order of `PlanChanges.created_tasks`
    compensating_tasks: tuple[Task, ...]  # by `Compensating` index
    cancelled_tasks: tuple[Task, ...]
    # Every domain order of the item, created ones included: what the caller rolls up.
    domain_order_ids: frozenset[int]


async def load_persisted_plan(item: LineItem) -> PersistedPlan:
    """The item's plan as the database holds it (three statements, by index)."""
    domain_orders = [
        PersistedDomainOrder(
            id=id,
            specification_code=code,
            parent_id=parent_id,
            position=position,
            cancelled=cancelled_at is not None,
        )
        for id, code, parent_id, position, cancelled_at in cast(
            list[tuple[int, str, int | None, int, object]],
            await DomainOrder.filter(line_item_id=item.id)
            .order_by("position", "id")
            .values_list("id", "specification__code", "parent_id", "position", "cancelled_at"),
        )
    ]
    tasks = [
        PersistedTask(
            id=task.id,
            domain_order_id=task.domain_order_id,
            # A task whose template the catalog removed matches nothing and undoes nothing: a
            # negative id is no template's.
            template_id=task.template_id if task.template_id is not None else -task.id,
            state=task.state,
            compensates_id=task.compensates_id,
        )
        for task in await Task.filter(domain_order_id__in=[d.id for d in domain_orders])
    ]
    dependencies = cast(
        list[tuple[int, int]],
        await TaskDependency.filter(task_id__in=[t.id for t in tasks])
        .order_by("task_id", "depends_on_id")
        .values_list("task_id", "depends_on_id"),
    )
    return PersistedPlan(tuple(domain_orders), tuple(tasks), tuple(dependencies))


async def write_plan_changes(
    uow: UnitOfWork,
    order: ServiceOrder,
    item: LineItem,
    changes: PlanChanges,
    new: LineItemPlan = EMPTY_PLAN,
    *,
    reason: str,
) -> WrittenPlanChanges:
    """Write `changes` (computed against `new` from the item's rows as they are now).

    `reason` goes on every `task.cancelled` and `fallout.cancelled` event.
    """
    domain_orders = await DomainOrder.filter(line_item_id=item.id).order_by("position", "id")
    rows = {
        task.id: task
        for task in await Task.filter(domain_order_id__in=[d.id for d in domain_orders])
    }
    domain_order_of = await _create_domain_orders(order, item, changes, new, domain_orders)
    if changes.cancelled_domain_orders:
        await DomainOrder.filter(id__in=list(changes.cancelled_domain_orders)).update(
            cancelled_at=uow.started_at
        )

    cancelled = [rows[id] for id in changes.cancelled_tasks]
    await _cancel_tasks(uow, cancelled, reason)

    ref_row: dict[TaskRef, Task] = {Existing(id): task for id, task in rows.items()}
    created = await _create_tasks(uow, order, changes, new, domain_order_of)
    for index, task in zip(changes.created_tasks, created, strict=True):
        ref_row[Created(index)] = task
    compensating = await _create_compensations(uow, order, changes, rows)
    for index, task in enumerate(compensating):
        ref_row[Compensating(index)] = task
    for task in (*created, *compensating):
        record_task(
            uow,
            EventKind.TASK_CREATED,
            task,
            previous_state=None,
            **({"compensatesId": task.compensates_id} if task.compensates_id else {}),
        )

    await _write_dependencies(rows, ref_row, changes)
    finishing = await _settle_kept_waiting_tasks(uow, changes, rows)
    moved: list[Task] = []
    for task in finishing:
        moved += await release_dependents(uow, task)
    await pass_by_completion(uow, order, [*finishing, *moved])

    return WrittenPlanChanges(
        created_tasks=tuple(created),
        compensating_tasks=tuple(compensating),
        cancelled_tasks=tuple(cancelled),
        domain_order_ids=frozenset(
            {d.id for d in domain_orders}
            | set(domain_order_of.values())
            | {t.domain_order_id for t in moved}
        ),
    )


async def _create_domain_orders(
    order: ServiceOrder,
    item: LineItem,
    changes: PlanChanges,
    new: LineItemPlan,
    existing: list[DomainOrder],
) -> dict[int, int]:
    """Create the new plan's domain orders that have no row; the row id of every domain order
    of the new plan, by index."""
    id_of = {index: id for id, index in changes.kept_domain_orders.items()}
    if not changes.created_domain_orders:
        return id_of
    numbers = iter(
        await allocate_numbers(NumberKind.DOMAIN_ORDER, len(changes.created_domain_orders))
    )
    # After every existing row, in the new plan's depth-first order: parents before children,
    # and a created sibling after the kept ones (its place counts after theirs).
    base = max((d.position for d in existing), default=-1) + 1
    for index in changes.created_domain_orders:  # parents first
        planned = new.domain_orders[index]
        row = await DomainOrder.create(
            number=next(numbers),
            service_order_id=order.id,
            line_item_id=item.id,
            parent_id=None if planned.parent is None else id_of[planned.parent],
            specification_id=planned.specification_id,
            kind=planned.kind,
            depth=planned.depth,
            position=base + index,
        )
        id_of[index] = row.id
    return id_of


async def _cancel_tasks(uow: UnitOfWork, tasks: list[Task], reason: str) -> None:
    for task in tasks:
        previous = task.state
        task.state = TaskState.CANCELLED
        task.deferred_outcome = None
        # A worker's lock ends with the task: its late answer is refused (CONFLICT).
        end_attempt(uow, task, Attempt.CANCELLED)
        task.version += 1
        await task.save(
            update_fields=["state", "deferred_outcome", *LOCK_FIELDS, "version", "updated_at"]
        )
        # The assignee keeps the task: their own subscription tells them it is off.
        record_task(uow, EventKind.TASK_CANCELLED, task, previous_state=previous, reason=reason)
    if not tasks:
        return
    fallouts = await FalloutRecord.filter(
        task_id__in=[task.id for task in tasks], state__in=list(FALLOUT_OPEN_STATES)
    ).order_by("id")
    for fallout in fallouts:
        previous_fallout = fallout.state
        fallout.state = FalloutState.CANCELLED
        fallout.version += 1
        await fallout.save(update_fields=["state", "version", "updated_at"])
        record_fallout(
            uow,
            EventKind.FALLOUT_CANCELLED,
            fallout,
            previous_state=previous_fallout,
            reason=reason,
        )


def _start_state(changes: PlanChanges, ref: TaskRef) -> TaskState:
    return TaskState.READY if ref in changes.ready else TaskState.PENDING


async def _create_tasks(
    uow: UnitOfWork,
    order: ServiceOrder,
    changes: PlanChanges,
    new: LineItemPlan,
    domain_order_of: Mapping[int, int],
) -> list[Task]:
    if not changes.created_tasks:
        return []
    numbers = iter(await allocate_numbers(NumberKind.TASK, len(changes.created_tasks)))
    created = []
    for index in changes.created_tasks:
        planned = new.tasks[index]
        created.append(
            await Task.create(
                number=next(numbers),
                name=planned.name,
                template_id=planned.template_id,
                domain_order_id=domain_order_of[planned.domain_order],
                service_order_id=order.id,
                state=_start_state(changes, Created(index)),
                priority=order.priority,
                assignment_group_id=planned.assignment_group_id,
                expected_duration_minutes=planned.expected_duration_minutes,
                position=planned.position,
                is_point_of_no_return=planned.point_of_no_return,
                **task_columns(planned.automation),
            )
        )
    return created


async def _create_compensations(
    uow: UnitOfWork, order: ServiceOrder, changes: PlanChanges, rows: Mapping[int, Task]
) -> list[Task]:
    if not changes.compensations:
        return []
    numbers = iter(await allocate_numbers(NumberKind.TASK, len(changes.compensations)))
    created = []
    for index, compensation in enumerate(changes.compensations):
        template = compensation.template
        undone = rows[compensation.undoes]
        created.append(
            await Task.create(
                number=next(numbers),
                name=template.name,
                template_id=template.id,
                domain_order_id=compensation.domain_order_id,
                service_order_id=order.id,
                state=_start_state(changes, Compensating(index)),
                priority=order.priority,
                # Undone by the group of its template, next to the work it undoes.
                assignment_group_id=template.assignment_group_id,
                expected_duration_minutes=template.expected_duration_minutes,
                position=undone.position,
                is_point_of_no_return=template.point_of_no_return,
                compensates_id=undone.id,
                **task_columns(template.automation),
            )
        )
    return created


async def _write_dependencies(
    rows: Mapping[int, Task], ref_row: Mapping[TaskRef, Task], changes: PlanChanges
) -> None:
    """Make the item's dependency rows `changes.dependencies`, writing only the difference."""
    wanted = {
        (ref_row[task].id, ref_row[depends_on].id) for task, depends_on in changes.dependencies
    }
    current = {
        (task_id, depends_on_id): id
        for id, task_id, depends_on_id in cast(
            list[tuple[int, int, int]],
            await TaskDependency.filter(task_id__in=list(rows)).values_list(
                "id", "task_id", "depends_on_id"
            ),
        )
    }
    stale = [id for pair, id in current.items() if pair not in wanted]
    if stale:
        await TaskDependency.filter(id__in=stale).delete()
    missing = sorted(wanted - current.keys())
    if missing:
        await TaskDependency.bulk_create(
            [TaskDependency(task_id=task, depends_on_id=depends_on) for task, depends_on in missing]
        )


async def _settle_kept_waiting_tasks(
    uow: UnitOfWork, changes: PlanChanges, rows: Mapping[int, Task]
) -> list[Task]:
    """READY or PENDING as the changes say, for the kept tasks that have not started; return
    those that finished instead (a decided outcome applied on release)."""
    finishing = []
    for id in sorted(changes.kept_tasks):
        task = rows[id]
        if task.state not in _WAITING:
            continue
        previous = task.state
        target = _start_state(changes, Existing(id))
        if target is TaskState.READY and previous is TaskState.PENDING:
            target = state_when_released(task)
        if target is previous:
            continue
        if target in TASK_DONE_STATES:
            mark_finished(uow, task, target)
            await task.save(update_fields=FINISH_FIELDS)
            record_task(uow, FINISHED_KIND[target], task, previous_state=previous, deferred=True)
            finishing.append(task)
            continue
        task.state = target
        task.version += 1
        await task.save(update_fields=["state", "version", "updated_at"])
        kind = EventKind.TASK_READY if target is TaskState.READY else EventKind.TASK_WAITING
        record_task(uow, kind, task, previous_state=previous)
    return finishing
