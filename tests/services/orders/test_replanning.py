"""Re-planning and cancelling a line item as pure functions of plans (no database)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import TASK_DONE_STATES, LineItemAction, TaskState
from services.orders.catalog_graph import CatalogGraph
from services.orders.planning import LineItemPlan, earliest_finish, plan_line_item
from services.orders.replanning import (
    Compensating,
    Created,
    Existing,
    PersistedDomainOrder,
    PersistedPlan,
    PersistedTask,
    PlanChanges,
    TaskRef,
    persisted_places,
    plan_cancellation,
    planned_places,
    replan,
)
from tests.services.orders.catalog_graphs import (
    CFS,
    PRODUCT,
    RESOURCE,
    RFS,
    catalog,
    catalogs,
    spec,
    template,
    to,
)

PENDING = TaskState.PENDING
READY = TaskState.READY
IN_PROGRESS = TaskState.IN_PROGRESS
COMPLETED = TaskState.COMPLETED
CANCELLED = TaskState.CANCELLED
NONE: frozenset[LineItemAction] = frozenset()


def persist(plan: LineItemPlan, states: Mapping[str, TaskState] | None = None) -> PersistedPlan:
    """The plan as the decomposition writes it: domain order i has id 100 + i, task i has id
    1000 + i; a task's state is READY or PENDING unless `states` names it."""
    first_id = 1000
    given_states = states or {}
    return PersistedPlan(
        domain_orders=tuple(
            PersistedDomainOrder(
                id=100 + i,
                specification_code=d.specification_code,
                parent_id=None if d.parent is None else 100 + d.parent,
                position=i,
            )
            for i, d in enumerate(plan.domain_orders)
        ),
        tasks=tuple(
            PersistedTask(
                id=first_id + i,
                domain_order_id=100 + t.domain_order,
                template_id=t.template_id,
                state=given_states.get(t.name, READY if i in plan.ready_tasks else PENDING),
            )
            for i, t in enumerate(plan.tasks)
        ),
        dependencies=tuple((first_id + a, first_id + b) for a, b in plan.dependencies),
    )


def names_of(graph: CatalogGraph, old: PersistedPlan, ids: Iterable[int]) -> list[str]:
    template_of = {t.id: t.template_id for t in old.tasks}
    return sorted(graph.templates[template_of[id]].name for id in ids)


def created_names(new: LineItemPlan, changes: PlanChanges) -> list[str]:
    return sorted(new.tasks[i].name for i in changes.created_tasks)


def compensation_names(changes: PlanChanges, refs: Iterable[TaskRef]) -> set[str]:
    return {
        changes.compensations[r.index].template.name for r in refs if isinstance(r, Compensating)
    }


# An access product: the line (S2) is always there, the IPv6 prefix (S3) only when asked for.
IPV6 = to(3, exclude_characteristic="ipVersion", exclude_values=("IPV4",))
ACCESS = catalog(
    spec(1, PRODUCT, (IPV6, to(2)), (template(1),)),
    spec(2, RFS, (), (template(2), template(3, 2))),
    spec(3, RESOURCE, (), (template(4, compensated_by=5), template(5, actions=NONE))),
)


def test_a_task_in_the_same_place_is_kept_with_its_row() -> None:
    old = persist(plan_line_item(ACCESS, 1, {"ipVersion": "DUAL"}), {"Task 2": IN_PROGRESS})
    new = plan_line_item(ACCESS, 1, {"ipVersion": "DUAL"})

    changes = replan(ACCESS, old, new)

    assert changes.kept_tasks == {t.id: i for i, t in enumerate(old.tasks)}
    assert changes.created_tasks == () and changes.cancelled_tasks == ()
    assert changes.cancelled_domain_orders == () and changes.created_domain_orders == ()


def test_a_sibling_of_another_specification_leaving_does_not_move_a_place() -> None:
    old = persist(plan_line_item(ACCESS, 1, {"ipVersion": "DUAL"}))
    new = plan_line_item(ACCESS, 1, {"ipVersion": "IPV4"})

    changes = replan(ACCESS, old, new)

    line = next(d.id for d in old.domain_orders if d.specification_code == "S2")
    assert changes.kept_domain_orders[line] == 1  # it was the third domain order, now second
    assert changes.cancelled_domain_orders == tuple(
        d.id for d in old.domain_orders if d.specification_code == "S3"
    )
    assert names_of(ACCESS, old, changes.kept_tasks) == ["Task 1", "Task 2", "Task 3"]


def test_the_place_counts_siblings_of_the_same_specification() -> None:
    graph = catalog(spec(1, PRODUCT, (to(2, quantity=2),)), spec(2, RFS, (), (template(2),)))

    places = planned_places(plan_line_item(graph, 1, {}, quantity=2))

    assert places == [
        (("S1", 0),),
        (("S1", 0), ("S2", 0)),
        (("S1", 0), ("S2", 1)),
        (("S1", 1),),
        (("S1", 1), ("S2", 0)),
        (("S1", 1), ("S2", 1)),
    ]
    persisted = persist(plan_line_item(graph, 1, {}, quantity=2))
    assert persisted_places(persisted.domain_orders) == {100 + i: p for i, p in enumerate(places)}


def test_a_task_only_in_the_old_plan_is_cancelled_if_unfinished_and_left_if_done() -> None:
    graph = catalog(
        spec(1, PRODUCT, (IPV6,), (template(1),)),
        spec(3, RESOURCE, (), (template(4), template(6))),
    )
    old = persist(plan_line_item(graph, 1, {}), {"Task 4": COMPLETED, "Task 6": IN_PROGRESS})

    changes = replan(graph, old, plan_line_item(graph, 1, {"ipVersion": "IPV4"}))

    assert names_of(graph, old, changes.cancelled_tasks) == ["Task 6"]
    assert names_of(graph, old, changes.left_tasks) == ["Task 4"]
    assert changes.compensations == ()


def test_a_completed_task_with_a_compensator_is_undone_where_it_was_done() -> None:
    old = persist(plan_line_item(ACCESS, 1, {}), {"Task 4": COMPLETED})
    prefix = next(t for t in old.tasks if t.template_id == 4)

    changes = replan(ACCESS, old, plan_line_item(ACCESS, 1, {"ipVersion": "IPV4"}))

    [compensation] = changes.compensations
    assert compensation.undoes == prefix.id
    assert compensation.template.name == "Task 5"
    assert compensation.domain_order_id == prefix.domain_order_id
    assert Compensating(0) in changes.ready


CHAIN = catalog(
    spec(1, PRODUCT, (to(2),), (template(1, compensated_by=11), template(11, actions=NONE))),
    spec(
        2,
        RFS,
        (),
        (
            template(2, compensated_by=12),
            template(3, 2, compensated_by=13),
            template(4, 2),
            template(12, actions=NONE),
            template(13, actions=NONE),
        ),
    ),
)


def test_cancelling_an_item_undoes_its_work_in_reverse_order() -> None:
    # Task 2, then Task 3 and Task 4, then (parent) Task 1; all done but Task 4.
    old = persist(
        plan_line_item(CHAIN, 1, {}),
        {"Task 1": COMPLETED, "Task 2": COMPLETED, "Task 3": COMPLETED, "Task 4": IN_PROGRESS},
    )

    changes = plan_cancellation(CHAIN, old)

    undone = {c.template.name: Compensating(i) for i, c in enumerate(changes.compensations)}
    assert changes.dependencies == {
        (undone["Task 13"], undone["Task 11"]),  # Task 3 is undone after Task 1 is
        (undone["Task 12"], undone["Task 13"]),
        # Task 1 waited on Task 2 through Task 4 too, but Task 3's undoing already orders them.
        (undone["Task 12"], undone["Task 11"]),
    }
    assert compensation_names(changes, changes.ready) == {"Task 11"}
    assert names_of(CHAIN, old, changes.cancelled_tasks) == ["Task 4"]
    assert changes.kept_tasks == {} and len(changes.cancelled_domain_orders) == 2


def test_cancelling_an_item_with_nothing_done_needs_no_compensation() -> None:
    old = persist(plan_line_item(CHAIN, 1, {}))

    changes = plan_cancellation(CHAIN, old)

    assert changes.compensations == () and changes.dependencies == frozenset()
    assert sorted(changes.cancelled_tasks) == [t.id for t in old.tasks]


def test_a_task_already_undone_is_not_undone_again() -> None:
    plan = persist(plan_line_item(CHAIN, 1, {}), {"Task 2": COMPLETED, "Task 3": COMPLETED})
    task_of = {t.template_id: t.id for t in plan.tasks}
    # An earlier revision dropped the child domain order and is undoing its work.
    undoing = (
        PersistedTask(2001, 101, 13, READY, compensates_id=task_of[3]),
        PersistedTask(2002, 101, 12, PENDING, compensates_id=task_of[2]),
    )
    old = replace(
        plan,
        domain_orders=tuple(replace(d, cancelled=d.id == 101) for d in plan.domain_orders),
        tasks=tuple(replace(t, state=CANCELLED) if t.template_id == 4 else t for t in plan.tasks)
        + undoing,
        dependencies=(*plan.dependencies, (2002, 2001)),
    )

    changes = plan_cancellation(CHAIN, old)

    assert changes.compensations == ()
    assert changes.dependencies == {(Existing(2002), Existing(2001))}
    assert changes.cancelled_domain_orders == (100,)


def test_a_cancelled_task_is_not_revived() -> None:
    old = persist(plan_line_item(ACCESS, 1, {}), {"Task 4": CANCELLED})

    changes = replan(ACCESS, old, plan_line_item(ACCESS, 1, {}))

    cancelled = next(t.id for t in old.tasks if t.template_id == 4)
    assert cancelled in changes.left_tasks and cancelled not in changes.kept_tasks
    assert created_names(plan_line_item(ACCESS, 1, {}), changes) == ["Task 4"]


def test_a_cancelled_domain_order_has_no_place() -> None:
    plan = persist(plan_line_item(ACCESS, 1, {}), {"Task 4": CANCELLED})
    prefix = next(d.id for d in plan.domain_orders if d.specification_code == "S3")
    old = replace(
        plan, domain_orders=tuple(replace(d, cancelled=d.id == prefix) for d in plan.domain_orders)
    )
    new = plan_line_item(ACCESS, 1, {})

    changes = replan(ACCESS, old, new)

    assert [new.domain_orders[i].specification_code for i in changes.created_domain_orders] == [
        "S3"
    ]
    assert (
        prefix not in changes.kept_domain_orders and prefix not in changes.cancelled_domain_orders
    )


def add_the_prefix_while_the_product_task_is(
    state: TaskState,
) -> tuple[PlanChanges, Existing, Created]:
    """Revise an IPv4 item to dual stack once its line is built: the product's task would now
    wait on the new prefix allocation."""
    old = persist(
        plan_line_item(ACCESS, 1, {"ipVersion": "IPV4"}),
        {"Task 2": COMPLETED, "Task 3": COMPLETED, "Task 1": state},
    )
    new = plan_line_item(ACCESS, 1, {"ipVersion": "DUAL"})
    changes = replan(ACCESS, old, new)
    parent = Existing(next(t.id for t in old.tasks if t.template_id == 1))
    prefix = Created(next(i for i, t in enumerate(new.tasks) if t.template_id == 4))
    return changes, parent, prefix


def test_a_started_task_does_not_start_waiting_on_new_work() -> None:
    changes, parent, prefix = add_the_prefix_while_the_product_task_is(IN_PROGRESS)

    assert changes.dropped_dependencies == {(parent, prefix)}
    assert (parent, prefix) not in changes.dependencies
    assert prefix in changes.ready


def test_a_ready_task_that_gains_unfinished_work_waits_again() -> None:
    changes, parent, prefix = add_the_prefix_while_the_product_task_is(READY)

    assert (parent, prefix) in changes.dependencies
    assert parent not in changes.ready and changes.dropped_dependencies == frozenset()


# A product over a service over the prefix: the service's task comes between the two.
LAYERED = catalog(
    spec(1, PRODUCT, (to(2),), (template(1),)),
    spec(2, CFS, (IPV6,), (template(2),)),
    spec(3, RESOURCE, (), (template(4, compensated_by=5), template(5, actions=NONE))),
)


def test_what_waits_on_a_started_task_waits_on_the_new_work_it_no_longer_waits_on() -> None:
    # given an IPv4 item whose service task is under way and whose product task waits on it
    old = persist(plan_line_item(LAYERED, 1, {"ipVersion": "IPV4"}), {"Task 2": IN_PROGRESS})
    product, service = (
        Existing(next(t.id for t in old.tasks if t.template_id == n)) for n in (1, 2)
    )

    # when it is revised to dual stack: the service would now wait on a new prefix allocation
    new = plan_line_item(LAYERED, 1, {"ipVersion": "DUAL"})
    changes = replan(LAYERED, old, new)

    # then the service goes on without it, but the product still comes after the prefix
    prefix = Created(next(i for i, t in enumerate(new.tasks) if t.template_id == 4))
    assert changes.dropped_dependencies == {(service, prefix)}
    assert {(product, service), (product, prefix)} <= changes.dependencies
    assert changes.ready == {prefix}


# The properties, over random catalogs, characteristics and progress, and chains of revisions.


def progress(old: PersistedPlan, data: st.DataObject) -> PersistedPlan:
    """Work done on the plan in dependency order: a task moves on only once its predecessors
    are done, as the task transitions allow."""
    state = {t.id: t.state for t in old.tasks}
    waits_on: dict[int, list[int]] = {t.id: [] for t in old.tasks}
    for waiter, depends_on in old.dependencies:
        waits_on[waiter].append(depends_on)
    finish = earliest_finish([1] * len(old.tasks), _indexed(old))
    for _, task in sorted(zip(finish, old.tasks, strict=True), key=lambda pair: pair[0]):
        if state[task.id] in (PENDING, READY) and all(
            state[p] in TASK_DONE_STATES for p in waits_on[task.id]
        ):
            state[task.id] = data.draw(
                st.sampled_from([READY, IN_PROGRESS, COMPLETED, TaskState.ON_HOLD])
            )
    return replace(old, tasks=tuple(replace(t, state=state[t.id]) for t in old.tasks))


def _indexed(old: PersistedPlan) -> list[tuple[int, int]]:
    index = {t.id: i for i, t in enumerate(old.tasks)}
    return [(index[a], index[b]) for a, b in old.dependencies]


def apply(old: PersistedPlan, new: LineItemPlan, changes: PlanChanges) -> PersistedPlan:
    """What the writer of a PlanChanges does to the rows, as a model of it."""
    next_id = max([1000, *(t.id for t in old.tasks), *(d.id for d in old.domain_orders)]) + 1
    domain_order_id = {index: id for id, index in changes.kept_domain_orders.items()}
    for index in changes.created_domain_orders:
        domain_order_id[index] = next_id
        next_id += 1
    cancelled_ids = set(changes.cancelled_domain_orders)
    domain_orders = [
        replace(d, cancelled=d.cancelled or d.id in cancelled_ids) for d in old.domain_orders
    ]
    for i in changes.created_domain_orders:
        planned = new.domain_orders[i]
        domain_orders.append(
            PersistedDomainOrder(
                id=domain_order_id[i],
                specification_code=planned.specification_code,
                parent_id=None if planned.parent is None else domain_order_id[planned.parent],
                position=1000 + i,  # after every earlier sibling, in the new plan's order
            )
        )
    row: dict[TaskRef, int] = {}
    tasks: list[PersistedTask] = []
    cancelled = set(changes.cancelled_tasks)
    for task in old.tasks:
        row[Existing(task.id)] = task.id
        state = CANCELLED if task.id in cancelled else task.state
        tasks.append(replace(task, state=state))
    for i in changes.created_tasks:
        row[Created(i)] = next_id
        planned_task = new.tasks[i]
        tasks.append(
            PersistedTask(
                next_id,
                domain_order_id[planned_task.domain_order],
                planned_task.template_id,
                PENDING,
            )
        )
        next_id += 1
    for i, compensation in enumerate(changes.compensations):
        row[Compensating(i)] = next_id
        tasks.append(
            PersistedTask(
                next_id,
                compensation.domain_order_id,
                compensation.template.id,
                PENDING,
                compensates_id=compensation.undoes,
            )
        )
        next_id += 1
    # A task that has not started is READY or PENDING as the changes say.
    not_started = {
        row[Existing(id)] for id in changes.kept_tasks if state_of(old, id) in (PENDING, READY)
    }
    not_started |= {row[Created(i)] for i in changes.created_tasks}
    not_started |= {row[Compensating(i)] for i in range(len(changes.compensations))}
    ready = {row[r] for r in changes.ready}
    tasks = [
        replace(t, state=READY if t.id in ready else PENDING) if t.id in not_started else t
        for t in tasks
    ]
    dependencies = tuple(sorted((row[a], row[b]) for a, b in changes.dependencies))
    return PersistedPlan(tuple(domain_orders), tuple(tasks), dependencies)


def state_of(plan: PersistedPlan, id: int) -> TaskState:
    return next(t.state for t in plan.tasks if t.id == id)


def check(
    old: PersistedPlan, new: LineItemPlan, changes: PlanChanges, after: PersistedPlan
) -> None:
    old_places = persisted_places(old.domain_orders)
    new_places = planned_places(new)
    template_of = {t.id: t.template_id for t in old.tasks}
    # Kept tasks keep their identity: the same row, template and place.
    for id, index in changes.kept_tasks.items():
        planned = new.tasks[index]
        old_task = next(t for t in old.tasks if t.id == id)
        assert template_of[id] == planned.template_id
        assert old_places[old_task.domain_order_id] == new_places[planned.domain_order]
    # Every old task falls in exactly one category.
    categories = [
        set(changes.kept_tasks),
        set(changes.cancelled_tasks),
        {c.undoes for c in changes.compensations},
        set(changes.left_tasks),
    ]
    assert sum(len(c) for c in categories) == len(old.tasks)
    assert set().union(*categories) == {t.id for t in old.tasks}
    # Work is undone once at most.
    undone = [t.compensates_id for t in after.tasks if t.compensates_id is not None]
    assert len(undone) == len(set(undone))
    # The new dependency graph is acyclic (earliest_finish raises PlanError otherwise).
    earliest_finish([1] * len(after.tasks), _indexed(after))
    # No task waits on a cancelled one.
    state = {t.id: t.state for t in after.tasks}
    for task, depends_on in after.dependencies:
        assert state[depends_on] is not CANCELLED
        # Dependency order: nothing ready, running or done waits on unfinished work.
        if state[task] in (READY, IN_PROGRESS, COMPLETED):
            assert state[depends_on] in TASK_DONE_STATES
    # The new plan's order holds for the work to come: a task not started waits (through any
    # tasks) on every unfinished task it waits on in the new plan, even where an edge into a
    # started task between them was dropped.
    created = after.tasks[len(old.tasks) : len(old.tasks) + len(changes.created_tasks)]
    row_of = {index: id for id, index in changes.kept_tasks.items()}
    row_of |= {index: t.id for index, t in zip(changes.created_tasks, created, strict=True)}
    planned_order = _reachable(new.dependencies)
    stored_order = _reachable(after.dependencies)
    for waiter, waited_on in planned_order.items():
        if state[row_of[waiter]] not in (PENDING, READY):
            continue
        unfinished = {row_of[i] for i in waited_on if state[row_of[i]] not in TASK_DONE_STATES}
        assert unfinished <= stored_order.get(row_of[waiter], set())


def _reachable(edges: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """Every task's transitive predecessors."""
    waits_on: dict[int, set[int]] = {}
    for task, depends_on in edges:
        waits_on.setdefault(task, set()).add(depends_on)
    reached: dict[int, set[int]] = {}
    for task in waits_on:
        seen: set[int] = set()
        frontier = list(waits_on[task])
        while frontier:
            found = frontier.pop()
            if found not in seen:
                seen.add(found)
                frontier.extend(waits_on.get(found, ()))
        reached[task] = seen
    return reached


VALUES = st.sampled_from(["A", "B", "C"])


@settings(max_examples=150, deadline=None)
@given(
    graph=catalogs(),
    revisions=st.lists(st.tuples(VALUES, st.integers(0, 2)), min_size=2, max_size=4),
    data=st.data(),
)
def test_replanning_keeps_identities_and_dependency_order_through_revisions(
    graph: CatalogGraph, revisions: list[tuple[str, int]], data: st.DataObject
) -> None:
    (first, quantity), *later = revisions
    plan = persist(plan_line_item(graph, 1, {"x": first}, max(quantity, 1)))
    for value, quantity in later:
        plan = progress(plan, data)
        # quantity 0: the item is cancelled.
        new = plan_line_item(graph, 1, {"x": value}, quantity)
        changes = replan(graph, plan, new) if quantity else plan_cancellation(graph, plan)
        after = apply(plan, new, changes)
        check(plan, new, changes, after)
        plan = after
