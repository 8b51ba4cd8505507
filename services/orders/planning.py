"""Planning a line item's fulfillment: which domain orders, which tasks, which edges.

A pure function of the catalog graph and the line item, so that every rule of decomposition can
be tested without a database; `decomposition.py` persists what it returns.

The rules (DESIGN.md, "Decomposition"; docs/design/lifecycle-and-installed-base.md, section 3):
- the item's product is the root domain order; each BUNDLES / REALIZED_AS / REQUIRES relationship
  makes `quantity` child domain orders of its target, recursively, unless its exclusion rule
  matches the item's characteristics; COMPOSED_OF makes nothing;
- every domain order is planned for one action, its *mode*: the item's action, except below a
  MODIFY, where a subtree that only the new characteristics include is an ADD and one that only
  the previous ones included is a DELETE. A relationship is walked, and a template planned,
  only for the actions it declares;
- in MODIFY mode a specification's templates are planned only if it is touched: it names no
  characteristics it depends on, or one of those it names changed;
- MODIFY and DELETE leave out the domain orders whose whole subtree has no task;
- each domain order gets its templates as tasks, with the templates' dependencies;
- a child domain order's last tasks finish before its parent's first tasks start, except for a
  child planned for DELETE: there the parent's last tasks finish before the child's first start
  (stop the service before recovering its equipment);
- the task graph must be acyclic: the catalog is validated when loaded, but a plan that could
  never finish must not be written, so this is checked again here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from models.enums import DECOMPOSING_RELATIONSHIPS, LineItemAction, SpecificationKind
from services.automation_policy import Automation
from services.orders.catalog_graph import (
    CatalogGraph,
    RelationshipNode,
    SpecificationNode,
    TemplateNode,
)

ADD = LineItemAction.ADD
MODIFY = LineItemAction.MODIFY
DELETE = LineItemAction.DELETE


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
    action: LineItemAction = ADD  # the mode it is planned in


@dataclass(frozen=True)
class PlannedTask:
    domain_order: int  # index into LineItemPlan.domain_orders
    template_id: int
    name: str
    assignment_group_id: int
    expected_duration_minutes: int
    position: int  # within its domain order
    point_of_no_return: bool = False
    automation: Automation | None = None  # an AUTOMATED template's handler and policy


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


EMPTY_PLAN = LineItemPlan(domain_orders=(), tasks=(), dependencies=(), finish_minutes=())


def plan_line_item(
    catalog: CatalogGraph,
    specification_id: int,
    characteristics: Mapping[str, Any],
    quantity: int = 1,
    *,
    action: LineItemAction = ADD,
    previous_characteristics: Mapping[str, Any] | None = None,
) -> LineItemPlan:
    """Plan one line item for its action.

    A quantity above one makes that many copies of the whole tree, each with its own tasks: every
    unit is fulfilled on its own (three phone lines need three number allocations), just as a
    relationship's quantity makes that many targets. The item keeps one SoldProduct, which
    carries the quantity.

    `previous_characteristics` are the sold product's, for a MODIFY (or a DELETE: the tree torn
    down is the one they built). Without them a MODIFY touches every specification and reads
    exclusion rules on `characteristics` only.
    """
    selection = _Selection(characteristics, previous_characteristics)
    trees = [selection.tree(catalog, specification_id, action, ()) for _ in range(quantity)]
    builder = _PlanBuilder()
    for tree in trees:
        if tree is not None:
            builder.add(tree, parent=None, depth=0)
    return builder.finish()


def unplannable_actions(catalog: CatalogGraph, specification_id: int) -> frozenset[LineItemAction]:
    """The actions a product claims but cannot be planned for, for the catalog checks.

    A product claims an action when a template anywhere in its tree declares it; it cannot be
    planned for it when its plan for that action, with no characteristics (so no exclusion
    applies), has no task: such an item would complete at once without doing anything.
    """
    claimed: set[LineItemAction] = set()
    seen: set[int] = set()
    frontier = [specification_id]
    while frontier:
        spec = catalog[frontier.pop()]
        if spec.id in seen:
            continue
        seen.add(spec.id)
        claimed.update(action for template in spec.templates for action in template.actions)
        frontier.extend(
            r.target_id for r in spec.relationships if r.type in DECOMPOSING_RELATIONSHIPS
        )
    return frozenset(
        action
        for action in claimed
        if not plan_line_item(catalog, specification_id, {}, action=action).tasks
    )


@dataclass
class _Tree:
    """A domain order chosen for the plan, before it is numbered."""

    spec: SpecificationNode
    action: LineItemAction
    templates: tuple[TemplateNode, ...]
    children: list[_Tree] = field(default_factory=list)

    def has_tasks(self) -> bool:
        return bool(self.templates) or any(child.has_tasks() for child in self.children)


class _Selection:
    """Which domain orders and templates the item's action and characteristics select."""

    def __init__(
        self, characteristics: Mapping[str, Any], previous: Mapping[str, Any] | None
    ) -> None:
        self.new = characteristics
        # A DELETE tears down what was built: its exclusion rules read what the product had.
        self.old = characteristics if previous is None else previous
        self.changed: frozenset[str] | None = (
            None if previous is None else _changed_keys(previous, characteristics)
        )

    def tree(
        self,
        catalog: CatalogGraph,
        specification_id: int,
        action: LineItemAction,
        path: tuple[str, ...],
    ) -> _Tree | None:
        spec = catalog[specification_id]
        if spec.code in path:
            cycle = " → ".join([*path[path.index(spec.code) :], spec.code])
            raise PlanError(f"Specification {spec.code} contains itself: {cycle}.")
        node = _Tree(spec, action, self._templates(spec, action))
        for relationship in spec.relationships:
            child_action = self._child_action(relationship, action)
            if child_action is None:
                continue
            for _ in range(relationship.quantity):
                child = self.tree(catalog, relationship.target_id, child_action, (*path, spec.code))
                if child is not None:
                    node.children.append(child)
        # An ADD keeps its empty domain orders (the tree as the catalog draws it); a change or a
        # teardown with nothing to do there is not worth a row, a state and a rollup.
        if action is not ADD and not node.has_tasks():
            return None
        return node

    def _templates(
        self, spec: SpecificationNode, action: LineItemAction
    ) -> tuple[TemplateNode, ...]:
        if action is MODIFY and not self._touched(spec):
            return ()
        return tuple(t for t in spec.templates if action in t.actions)

    def _touched(self, spec: SpecificationNode) -> bool:
        reacts_to = spec.depends_on_characteristics
        return self.changed is None or reacts_to is None or bool(reacts_to & self.changed)

    def _child_action(
        self, relationship: RelationshipNode, action: LineItemAction
    ) -> LineItemAction | None:
        """The mode the relationship's targets are planned in, or None if they are not."""
        if relationship.type not in DECOMPOSING_RELATIONSHIPS:
            return None
        if action is not MODIFY:
            characteristics = self.old if action is DELETE else self.new
            if action not in relationship.actions or relationship.excludes(characteristics):
                return None
            return action
        # Below a MODIFY, the exclusion rules say which subtrees the change adds or removes.
        was_there = not relationship.excludes(self.old)
        is_there = not relationship.excludes(self.new)
        child_action = (
            (MODIFY if is_there else DELETE) if was_there else (ADD if is_there else None)
        )
        if child_action is None or child_action not in relationship.actions:
            return None
        return child_action


def _changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> frozenset[str]:
    # Python says True == 1; a change from 1 to true is a change.
    return frozenset(
        key
        for key in before.keys() | after.keys()
        if key not in before
        or key not in after
        or type(before[key]) is not type(after[key])
        or before[key] != after[key]
    )


class _PlanBuilder:
    def __init__(self) -> None:
        self.domain_orders: list[PlannedDomainOrder] = []
        self.children: list[list[int]] = []
        self.tasks: list[PlannedTask] = []
        self.tasks_of: list[list[int]] = []
        self.dependencies: list[tuple[int, int]] = []

    def add(self, tree: _Tree, parent: int | None, depth: int) -> None:
        index = len(self.domain_orders)
        self.domain_orders.append(
            PlannedDomainOrder(
                specification_id=tree.spec.id,
                specification_code=tree.spec.code,
                kind=tree.spec.kind,
                parent=parent,
                depth=depth,
                action=tree.action,
            )
        )
        self.children.append([])
        if parent is not None:
            self.children[parent].append(index)
        self._add_tasks(index, tree.spec, tree.templates)
        for child in tree.children:
            self.add(child, index, depth + 1)

    def _add_tasks(
        self, domain_order: int, spec: SpecificationNode, templates: tuple[TemplateNode, ...]
    ) -> None:
        task_of_template: dict[int, int] = {}
        own: list[int] = []
        for position, template in enumerate(templates):
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
                    point_of_no_return=template.point_of_no_return,
                    automation=template.automation,
                )
            )
        self.tasks_of.append(own)
        of_this_specification = {t.id for t in spec.templates}
        for template in templates:
            for depends_on in template.depends_on:
                if depends_on not in of_this_specification:
                    raise PlanError(
                        f"Task template {spec.code}/{template.code} depends on a template "
                        "of another specification."
                    )
                # A template of another action is not in this plan: nothing to wait for.
                if depends_on in task_of_template:
                    self.dependencies.append(
                        (task_of_template[template.id], task_of_template[depends_on])
                    )

    def finish(self) -> LineItemPlan:
        self._link_domain_orders()
        dependencies = tuple(dict.fromkeys(self.dependencies))
        finish = earliest_finish([t.expected_duration_minutes for t in self.tasks], dependencies)
        return LineItemPlan(
            domain_orders=tuple(self.domain_orders),
            tasks=tuple(self.tasks),
            dependencies=dependencies,
            finish_minutes=tuple(finish),
        )

    def _link_domain_orders(self) -> None:
        # Only the templates' own edges exist yet: sources and sinks are per domain order.
        has_predecessor = {task for task, _ in self.dependencies}
        has_successor = {depends_on for _, depends_on in self.dependencies}
        first = [[t for t in own if t not in has_predecessor] for own in self.tasks_of]
        sinks = [[t for t in own if t not in has_successor] for own in self.tasks_of]
        deleted = [d.action is DELETE for d in self.domain_orders]
        # Upwards (children built before their parent): what must finish before a parent
        # starts: a child's sinks, or, for a child without tasks, whatever must finish before
        # that child would start (its own children's). Children have higher indexes than
        # their parents, so one backwards pass fills it.
        last_below: list[list[int]] = [[] for _ in self.domain_orders]
        for index in reversed(range(len(self.domain_orders))):
            if self.tasks_of[index]:
                last_below[index] = sinks[index]
            else:
                last_below[index] = [
                    t for c in self.children[index] if not deleted[c] for t in last_below[c]
                ]
        # Downwards (a DELETE child torn down after its parent): what a child waits on: its
        # parent's sinks, or, for a parent without tasks, what that parent would wait on.
        last_above: list[list[int]] = [[] for _ in self.domain_orders]
        for index, planned in enumerate(self.domain_orders):
            if self.tasks_of[index]:
                last_above[index] = sinks[index]
            elif planned.parent is not None:
                last_above[index] = last_above[planned.parent]
        for index, planned in enumerate(self.domain_orders):
            for child in self.children[index]:
                if not deleted[child]:
                    for last in last_below[child]:
                        self.dependencies.extend((task, last) for task in first[index])
            if deleted[index] and planned.parent is not None:
                for last in last_above[planned.parent]:
                    self.dependencies.extend((task, last) for task in first[index])


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
