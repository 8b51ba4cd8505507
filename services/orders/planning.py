"""Planning a line item's fulfillment: which domain orders, which tasks, which edges.

A pure function of the catalog graph and the line item, so that every rule of decomposition can
be tested without a database; `decomposition.py` persists what it returns.

The rules (DESIGN.md, "Decomposition"):
- the item's product is the root domain order; each BUNDLES / REALIZED_AS / REQUIRES relationship
  makes `quantity` child domain orders of its target, recursively, unless its exclusion rule
  matches the item's characteristics; COMPOSED_OF makes nothing;
- each domain order gets its specification's task templates as tasks, with the templates'
  dependencies;
- a child domain order's last tasks finish before its parent's first tasks start;
- the task graph must be acyclic: the catalog is validated when loaded, but a plan that could
  never finish must not be written, so this is checked again here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from models.enums import DECOMPOSING_RELATIONSHIPS, SpecificationKind
from services.orders.catalog_graph import CatalogGraph, SpecificationNode


class PlanError(RuntimeError):
    """The catalog cannot be decomposed (a cycle, a dependency across specifications).

    Not a DomainError: catalog validation prevents it, so meeting it is a bug, not a user error.
    """


@dataclass(frozen=True)
class PlannedDomainOrder:
    specification_id: int
    specification_code: str
    kind: SpecificationKind
    parent: int | None  # index into LineItemPlan.domain_orders
    depth: int


@dataclass(frozen=True)
class PlannedTask:
    domain_order: int  # index into LineItemPlan.domain_orders
    template_id: int
    name: str
    assignment_group_id: int
    expected_duration_minutes: int
    position: int  # within its domain order


@dataclass(frozen=True)
class LineItemPlan:
    # Depth first, so parents come before their children and a tree reads top to bottom.
    domain_orders: tuple[PlannedDomainOrder, ...]
    tasks: tuple[PlannedTask, ...]
    # (task, depends_on), indexes into `tasks`: finish-to-start.
    dependencies: tuple[tuple[int, int], ...]
    # Earliest finish of each task, in minutes after the plan starts.
    finish_minutes: tuple[int, ...]

    @cached_property
    def ready_tasks(self) -> frozenset[int]:
        """The tasks that wait for nothing: READY from the start."""
        waiting = {task for task, _ in self.dependencies}
        return frozenset(i for i in range(len(self.tasks)) if i not in waiting)

    def task_counts(self) -> list[int]:
        """Number of tasks of each domain order."""
        counts = [0] * len(self.domain_orders)
        for task in self.tasks:
            counts[task.domain_order] += 1
        return counts

    def subtree_task_counts(self) -> list[int]:
        """Number of tasks of each domain order and all its descendants."""
        counts = self.task_counts()
        # Depth first: children come after their parents, so one backwards pass adds them up.
        for index in reversed(range(len(self.domain_orders))):
            parent = self.domain_orders[index].parent
            if parent is not None:
                counts[parent] += counts[index]
        return counts


def plan_line_item(
    catalog: CatalogGraph,
    specification_id: int,
    characteristics: Mapping[str, Any],
    quantity: int = 1,
) -> LineItemPlan:
    """Plan one line item.

    A quantity above one makes that many copies of the whole tree, each with its own tasks: every
    unit is fulfilled on its own (three phone lines need three number allocations), just as a
    relationship's quantity makes that many targets. The item keeps one SoldProduct, which
    carries the quantity.
    """
    builder = _PlanBuilder(catalog, characteristics)
    for _ in range(quantity):
        builder.add_tree(specification_id, parent=None, path=())
    return builder.finish()


class _PlanBuilder:
    def __init__(self, catalog: CatalogGraph, characteristics: Mapping[str, Any]) -> None:
        self.catalog = catalog
        self.characteristics = characteristics
        self.domain_orders: list[PlannedDomainOrder] = []
        self.children: list[list[int]] = []
        self.tasks: list[PlannedTask] = []
        self.tasks_of: list[list[int]] = []
        self.dependencies: list[tuple[int, int]] = []

    def add_tree(self, specification_id: int, parent: int | None, path: tuple[str, ...]) -> None:
        spec = self.catalog[specification_id]
        if spec.code in path:
            cycle = " → ".join([*path[path.index(spec.code) :], spec.code])
            raise PlanError(f"Specification {spec.code} contains itself: {cycle}.")
        index = len(self.domain_orders)
        self.domain_orders.append(
            PlannedDomainOrder(
                specification_id=spec.id,
                specification_code=spec.code,
                kind=spec.kind,
                parent=parent,
                depth=len(path),
            )
        )
        self.children.append([])
        if parent is not None:
            self.children[parent].append(index)
        self._add_tasks(index, spec)
        for relationship in spec.relationships:
            if relationship.type not in DECOMPOSING_RELATIONSHIPS:
                continue
            if relationship.excludes(self.characteristics):
                continue
            for _ in range(relationship.quantity):
                self.add_tree(relationship.target_id, index, (*path, spec.code))

    def _add_tasks(self, domain_order: int, spec: SpecificationNode) -> None:
        task_of_template: dict[int, int] = {}
        own: list[int] = []
        for position, template in enumerate(spec.templates):
            task_of_template[template.id] = len(self.tasks)
            own.append(len(self.tasks))
            self.tasks.append(
                PlannedTask(
                    domain_order=domain_order,
                    template_id=template.id,
                    name=template.name,
                    assignment_group_id=template.assignment_group_id,
                    expected_duration_minutes=template.expected_duration_minutes,
                    position=position,
                )
            )
        self.tasks_of.append(own)
        for template in spec.templates:
            for depends_on in template.depends_on:
                if depends_on not in task_of_template:
                    raise PlanError(
                        f"Task template {spec.code}/{template.code} depends on a template "
                        "of another specification."
                    )
                self.dependencies.append(
                    (task_of_template[template.id], task_of_template[depends_on])
                )

    def finish(self) -> LineItemPlan:
        self._link_children_before_parents()
        dependencies = tuple(dict.fromkeys(self.dependencies))
        finish = earliest_finish([t.expected_duration_minutes for t in self.tasks], dependencies)
        return LineItemPlan(
            domain_orders=tuple(self.domain_orders),
            tasks=tuple(self.tasks),
            dependencies=dependencies,
            finish_minutes=tuple(finish),
        )

    def _link_children_before_parents(self) -> None:
        # Only the templates' own edges exist yet: sources and sinks are per domain order.
        has_predecessor = {task for task, _ in self.dependencies}
        has_successor = {depends_on for _, depends_on in self.dependencies}
        # What must finish before a parent starts: a child's sinks, or, for a child without
        # tasks, whatever must finish before that child would start (its own children's).
        # Children have higher indexes than their parents, so one backwards pass fills it.
        last_tasks: list[list[int]] = [[] for _ in self.domain_orders]
        for index in reversed(range(len(self.domain_orders))):
            own = self.tasks_of[index]
            if own:
                last_tasks[index] = [t for t in own if t not in has_successor]
            else:
                last_tasks[index] = [t for c in self.children[index] for t in last_tasks[c]]
        for index, own in enumerate(self.tasks_of):
            first_tasks = [t for t in own if t not in has_predecessor]
            for child in self.children[index]:
                for last in last_tasks[child]:
                    self.dependencies.extend((first, last) for first in first_tasks)


def earliest_finish(durations: Sequence[int], dependencies: Iterable[tuple[int, int]]) -> list[int]:
    """When each task can be finished at the earliest, every task starting as soon as all its
    predecessors are done: the longest path of durations ending with it.

    Raises PlanError if the graph has a cycle (some tasks could never start).
    """
    successors: list[list[int]] = [[] for _ in durations]
    waiting = [0] * len(durations)
    for task, depends_on in dependencies:
        successors[depends_on].append(task)
        waiting[task] += 1
    start = [0] * len(durations)
    finish = [0] * len(durations)
    queue = deque(i for i, count in enumerate(waiting) if count == 0)
    scheduled = 0
    while queue:
        task = queue.popleft()
        scheduled += 1
        finish[task] = start[task] + durations[task]
        for successor in successors[task]:
            start[successor] = max(start[successor], finish[task])
            waiting[successor] -= 1
            if waiting[successor] == 0:
                queue.append(successor)
    if scheduled < len(durations):
        raise PlanError("The task graph has a cycle: some tasks could never start.")
    return finish
