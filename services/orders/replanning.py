"""Re-planning a line item in flight: from the plan as it stands to the list of changes.

A pure function of the catalog graph, the line item's persisted plan and its new plan, tested
without a database like `planning.py`; the service that revises or cancels an item writes what
it returns. The rules (docs/design/lifecycle-and-installed-base.md, section 4):

- a domain order's *place* is the path from its root of (specification code, ordinal among its
  siblings of that code); a task's place is its domain order's place and its template. Counting
  within a code keeps a place when a sibling of another specification comes or goes;
- a task at the same place in both plans is kept, row and all (state, work, assignee). A
  cancelled task, a compensating task and a task already undone are never matched: they are
  not revived, a new task is created instead;
- an old task only in the old plan is cancelled if it is not final; compensated if it is
  COMPLETED and its template names a compensator; otherwise left as it is;
- compensations run in the reverse order of the tasks they undo, and independently of the new
  plan's tasks: undoing old work does not wait for new work, nor the reverse;
- the dependencies are rebuilt whole; a new edge into a task that is no longer waiting
  (neither PENDING nor READY) is kept only if it was there before or its predecessor is done,
  so that no started or finished task waits on unfinished work; the tasks still to start that
  wait on such a task wait on that predecessor instead, so that the new plan's order holds for
  them (a tariff change still comes after the prefix a revision adds below a started
  reprofiling).

Why a list of changes rather than the new rows: kept rows must stay the same rows (events,
assignees and fallouts point at them), so the writer needs to know which is which.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from models.enums import TASK_DONE_STATES, TASK_FINAL_STATES, TaskState
from services.orders.catalog_graph import CatalogGraph, TemplateNode
from services.orders.planning import EMPTY_PLAN, LineItemPlan, PlanError

# The path of (specification code, ordinal among the siblings of that code) from the root.
Place = tuple[tuple[str, int], ...]

_WAITING = frozenset({TaskState.PENDING, TaskState.READY})
_T = TypeVar("_T")


@dataclass(frozen=True)
class PersistedDomainOrder:
    id: int
    specification_code: str
    parent_id: int | None
    position: int  # the plan's depth-first index: siblings are ordered by it
    # CANCELLING or CANCELLED: dropped by an earlier change, it has no place any more.
    cancelled: bool = False


@dataclass(frozen=True)
class PersistedTask:
    id: int
    domain_order_id: int
    template_id: int
    state: TaskState
    compensates_id: int | None = None  # the task this one undoes


@dataclass(frozen=True)
class PersistedPlan:
    """One line item's plan as the database holds it."""

    domain_orders: tuple[PersistedDomainOrder, ...]
    tasks: tuple[PersistedTask, ...]
    dependencies: tuple[tuple[int, int], ...]  # (task id, id of the task it waits on)


@dataclass(frozen=True)
class Existing:
    """A task row that stays: kept in the plan, or left as it is."""

    id: int


@dataclass(frozen=True)
class Created:
    """A task of the new plan to create: its index in `LineItemPlan.tasks`."""

    index: int


@dataclass(frozen=True)
class Compensating:
    """A compensating task to create: its index in `PlanChanges.compensations`."""

    index: int


TaskRef = Existing | Created | Compensating
Edge = tuple[TaskRef, TaskRef]  # (task, the task it waits on)


@dataclass(frozen=True)
class Compensation:
    undoes: int  # id of the COMPLETED task
    template: TemplateNode  # the compensator
    domain_order_id: int  # it runs where the work it undoes was done


@dataclass(frozen=True)
class PlanChanges:
    kept_domain_orders: Mapping[int, int]  # persisted id → index in the new plan
    created_domain_orders: tuple[int, ...]  # indexes in the new plan, parents first
    cancelled_domain_orders: tuple[int, ...]  # persisted ids
    kept_tasks: Mapping[int, int]  # persisted id → index in the new plan
    created_tasks: tuple[int, ...]  # indexes in the new plan
    cancelled_tasks: tuple[int, ...]  # persisted ids, not final before
    compensations: tuple[Compensation, ...]
    left_tasks: tuple[int, ...]  # persisted ids: final, or compensating, and not in the plan
    # The whole dependency set of the item after the change, to replace its rows.
    dependencies: frozenset[Edge]
    # New-plan edges not made because their task no longer waits (for the revised event).
    dropped_dependencies: frozenset[Edge]
    # Of the tasks that have not started (kept PENDING or READY, created, compensating), those
    # whose predecessors are all done: READY; the others are PENDING.
    ready: frozenset[TaskRef]


def persisted_places(domain_orders: Iterable[PersistedDomainOrder]) -> dict[int, Place]:
    """The place of every domain order not cancelled, by id."""
    live = [d for d in domain_orders if not d.cancelled]
    children: dict[int | None, list[PersistedDomainOrder]] = defaultdict(list)
    for domain_order in sorted(live, key=lambda d: (d.position, d.id)):
        children[domain_order.parent_id].append(domain_order)
    places: dict[int, Place] = {}
    pending: list[tuple[int | None, Place]] = [(None, ())]
    while pending:
        parent, place = pending.pop()
        for domain_order, child_place in _number_siblings(
            children[parent], place, lambda d: d.specification_code
        ):
            places[domain_order.id] = child_place
            pending.append((domain_order.id, child_place))
    return places


def planned_places(plan: LineItemPlan) -> list[Place]:
    """The place of every domain order of `plan`, by index."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for index, domain_order in enumerate(plan.domain_orders):
        children[domain_order.parent].append(index)
    places: list[Place] = [()] * len(plan.domain_orders)
    pending: list[tuple[int | None, Place]] = [(None, ())]
    while pending:
        parent, place = pending.pop()
        for index, child_place in _number_siblings(
            children[parent], place, lambda i: plan.domain_orders[i].specification_code
        ):
            places[index] = child_place
            pending.append((index, child_place))
    return places


def _number_siblings(
    siblings: list[_T], parent_place: Place, code_of: Callable[[_T], str]
) -> list[tuple[_T, Place]]:
    seen: dict[str, int] = defaultdict(int)
    numbered = []
    for sibling in siblings:
        code = code_of(sibling)
        numbered.append((sibling, (*parent_place, (code, seen[code]))))
        seen[code] += 1
    return numbered


def replan(catalog: CatalogGraph, old: PersistedPlan, new: LineItemPlan) -> PlanChanges:
    """The changes that turn the line item's persisted plan into `new`.

    `catalog` must hold the templates of the old plan's tasks (for their compensators).
    """
    old_places = persisted_places(old.domain_orders)
    new_places = planned_places(new)
    new_domain_order_at = {place: index for index, place in enumerate(new_places)}
    kept_domain_orders = {
        id: new_domain_order_at[place]
        for id, place in old_places.items()
        if place in new_domain_order_at
    }
    matched_places = {old_places[id] for id in kept_domain_orders}
    created_domain_orders = tuple(
        index for index, place in enumerate(new_places) if place not in matched_places
    )
    cancelled_domain_orders = tuple(
        d.id for d in old.domain_orders if not d.cancelled and d.id not in kept_domain_orders
    )

    undone = {t.compensates_id for t in old.tasks if t.compensates_id is not None}
    new_task_at = {
        (new_places[task.domain_order], task.template_id): index
        for index, task in enumerate(new.tasks)
    }
    kept_tasks: dict[int, int] = {}
    taken: set[int] = set()
    cancelled: list[int] = []
    to_compensate: list[PersistedTask] = []
    left: list[int] = []
    for task in old.tasks:
        matchable = (
            task.state is not TaskState.CANCELLED
            and task.compensates_id is None
            and task.id not in undone
        )
        place = old_places.get(task.domain_order_id)
        index = new_task_at.get((place, task.template_id)) if place is not None else None
        if matchable and index is not None:
            if index in taken:
                raise PlanError(f"Two tasks of the plan hold the place of task {task.id}.")
            kept_tasks[task.id] = index
            taken.add(index)
        elif matchable and task.state not in TASK_FINAL_STATES:
            cancelled.append(task.id)
        elif (
            matchable
            and task.state is TaskState.COMPLETED
            and _compensator_of(catalog, task.template_id) is not None
        ):
            to_compensate.append(task)
        else:
            left.append(task.id)
    created_tasks = tuple(i for i in range(len(new.tasks)) if i not in taken)

    compensations = tuple(
        Compensation(
            undoes=task.id,
            template=catalog.templates[_compensator(catalog, task)],
            domain_order_id=task.domain_order_id,
        )
        for task in to_compensate
    )
    state_of = {task.id: task.state for task in old.tasks}
    dependencies, dropped = _plan_edges(new, kept_tasks, state_of, set(old.dependencies))
    dependencies |= _compensation_edges(to_compensate, old.dependencies)
    compensating = {t.id for t in old.tasks if t.compensates_id is not None}
    dependencies |= {
        (Existing(task), Existing(depends_on))
        for task, depends_on in old.dependencies
        if task in compensating and depends_on in compensating
    }

    not_started: set[TaskRef] = {Existing(id) for id in kept_tasks if state_of[id] in _WAITING}
    not_started |= {Created(i) for i in created_tasks}
    not_started |= {Compensating(i) for i in range(len(compensations))}
    blocked = {
        task
        for task, depends_on in dependencies
        if not (isinstance(depends_on, Existing) and state_of[depends_on.id] in TASK_DONE_STATES)
    }
    return PlanChanges(
        kept_domain_orders=kept_domain_orders,
        created_domain_orders=created_domain_orders,
        cancelled_domain_orders=cancelled_domain_orders,
        kept_tasks=kept_tasks,
        created_tasks=created_tasks,
        cancelled_tasks=tuple(cancelled),
        compensations=compensations,
        left_tasks=tuple(left),
        dependencies=frozenset(dependencies),
        dropped_dependencies=frozenset(dropped),
        ready=frozenset(not_started - blocked),
    )


def plan_cancellation(catalog: CatalogGraph, old: PersistedPlan) -> PlanChanges:
    """Cancelling the whole line item: re-planning it to nothing.

    Its unfinished tasks are cancelled, its completed ones with a compensator undone in reverse
    order; `compensations` empty means the item is CANCELLED at once.
    """
    return replan(catalog, old, EMPTY_PLAN)


def _compensator_of(catalog: CatalogGraph, template_id: int) -> int | None:
    """The compensator of a template; None for one without, or no longer in the catalog."""
    template = catalog.templates.get(template_id)
    return None if template is None else template.compensated_by


def _compensator(catalog: CatalogGraph, task: PersistedTask) -> int:
    compensated_by = _compensator_of(catalog, task.template_id)
    assert compensated_by is not None  # only such tasks are compensated
    return compensated_by


def _plan_edges(
    new: LineItemPlan,
    kept_tasks: Mapping[int, int],
    state_of: Mapping[int, TaskState],
    old_edges: set[tuple[int, int]],
) -> tuple[set[Edge], set[Edge]]:
    """The new plan's edges between kept and created tasks, and those dropped because their
    task already started or finished.

    A dropped edge "t waits on p" does not free what waits on t: in the new plan those tasks
    wait on p through t, so each of them that has not started waits on p itself (through any
    started tasks in between), and the new plan's order still holds for all the work to come.
    """
    ref: list[TaskRef] = [Created(i) for i in range(len(new.tasks))]
    for id, index in kept_tasks.items():
        ref[index] = Existing(id)

    def started(index: int) -> bool:
        task = ref[index]
        return isinstance(task, Existing) and state_of[task.id] not in _WAITING

    def may_wait(index: int, on: int) -> bool:
        """Whether started task `index` may keep waiting on `on`: it did, or `on` is done."""
        waiter, waited = ref[index], ref[on]
        assert isinstance(waiter, Existing)
        was_there = isinstance(waited, Existing) and (waiter.id, waited.id) in old_edges
        is_done = isinstance(waited, Existing) and state_of[waited.id] in TASK_DONE_STATES
        return was_there or is_done

    waiters: dict[int, list[int]] = defaultdict(list)
    for task, depends_on in new.dependencies:
        waiters[depends_on].append(task)
    made: set[Edge] = set()
    dropped: set[Edge] = set()
    for task, depends_on in new.dependencies:
        if started(task) and not may_wait(task, depends_on):
            dropped.add((ref[task], ref[depends_on]))
            made |= {(ref[w], ref[depends_on]) for w in _waiting_behind(task, waiters, started)}
        else:
            made.add((ref[task], ref[depends_on]))
    return made, dropped


def _waiting_behind(
    index: int, waiters: Mapping[int, list[int]], started: Callable[[int], bool]
) -> set[int]:
    """The tasks not started that wait on `index` in the new plan, directly or through
    started tasks only (the nearest ones: the others wait on those)."""
    found: set[int] = set()
    seen: set[int] = set()
    frontier = list(waiters.get(index, ()))
    while frontier:
        waiter = frontier.pop()
        if waiter in seen:
            continue
        seen.add(waiter)
        if started(waiter):
            frontier.extend(waiters.get(waiter, ()))
        else:
            found.add(waiter)
    return found


def _compensation_edges(
    undone: list[PersistedTask], old_edges: Iterable[tuple[int, int]]
) -> set[Edge]:
    """Compensations in reverse: if B waited (through any tasks) on A, A's compensation waits
    on B's. Only the nearest pairs get an edge: the others follow."""
    index_of = {task.id: index for index, task in enumerate(undone)}
    waiting_on: dict[int, list[int]] = defaultdict(list)
    for waiter, depends_on in old_edges:
        waiting_on[depends_on].append(waiter)
    edges: set[Edge] = set()
    for task in undone:
        seen: set[int] = set()
        frontier = list(waiting_on[task.id])
        while frontier:
            later = frontier.pop()
            if later in seen:
                continue
            seen.add(later)
            if later in index_of:
                edges.add((Compensating(index_of[task.id]), Compensating(index_of[later])))
            else:
                frontier.extend(waiting_on[later])
    return edges
