"""Planning as a pure function of a catalog graph and a line item (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import LineItemAction, RelationshipType
from services.orders.catalog_graph import CatalogGraph, RelationshipNode
from services.orders.planning import (
    PlanError,
    earliest_finish,
    plan_line_item,
    unplannable_actions,
)
from tests.services.orders.catalog_graphs import (
    ADD,
    CFS,
    DELETE,
    MODIFY,
    PRODUCT,
    RESOURCE,
    RFS,
    catalog,
    catalogs,
    delete,
    edges,
    modify,
    names,
    spec,
    template,
    to,
    tree,
)


def test_a_composed_of_part_makes_no_domain_order() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2, RelationshipType.COMPOSED_OF),), (template(1),)),
        spec(2, RESOURCE, (), (template(2),)),
    )

    plan = plan_line_item(graph, 1, {})

    assert [d.specification_code for d in plan.domain_orders] == ["S1"]
    assert [t.name for t in plan.tasks] == ["Task 1"]


def test_a_relationship_quantity_makes_that_many_children() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2, quantity=3),), (template(1),)),
        spec(2, RESOURCE, (), (template(2),)),
    )

    plan = plan_line_item(graph, 1, {})

    assert [(d.specification_code, d.parent) for d in plan.domain_orders] == [
        ("S1", None),
        ("S2", 0),
        ("S2", 0),
        ("S2", 0),
    ]


def test_a_line_item_quantity_makes_independent_copies_of_the_tree() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2),), (template(1),)),
        spec(2, RESOURCE, (), (template(2),)),
    )

    plan = plan_line_item(graph, 1, {}, quantity=2)

    assert [(d.specification_code, d.parent) for d in plan.domain_orders] == [
        ("S1", None),
        ("S2", 0),
        ("S1", None),
        ("S2", 2),
    ]
    assert sorted(plan.dependencies) == [(0, 1), (2, 3)]


def test_a_child_without_tasks_passes_its_children_s_order_on_to_its_parent() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2),), (template(1),)),
        spec(2, CFS, (to(3), to(4))),
        spec(3, RFS, (), (template(3), template(4, 3))),
        spec(4, RESOURCE, (), (template(5),)),
    )

    plan = plan_line_item(graph, 1, {})

    assert edges(plan) == {
        ("Task 4", "Task 3"),
        ("Task 1", "Task 4"),
        ("Task 1", "Task 5"),
    }


def test_a_parent_without_tasks_does_not_break_the_chain_to_its_own_parent() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2),), (template(1),)),
        spec(2, CFS, (to(3),)),
        spec(3, RESOURCE, (), (template(3),)),
    )

    plan = plan_line_item(graph, 1, {})

    assert edges(plan) == {("Task 1", "Task 3")}


def test_only_the_first_tasks_of_a_parent_wait_for_the_last_tasks_of_a_child() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2),), (template(1), template(2, 1))),
        spec(2, RESOURCE, (), (template(3), template(4, 3))),
    )

    plan = plan_line_item(graph, 1, {})

    assert edges(plan) == {("Task 2", "Task 1"), ("Task 4", "Task 3"), ("Task 1", "Task 4")}
    assert [plan.tasks[i].name for i in sorted(plan.ready_tasks)] == ["Task 3"]


@pytest.mark.parametrize(
    ("value", "excluded"),
    [("IPV4", True), ("IPV6", False), (True, True), (1, False), (None, False)],
)
def test_an_exclusion_rule_matches_values_of_the_same_type_only(
    value: object, excluded: bool
) -> None:
    rule = to(2, exclude_characteristic="ipVersion", exclude_values=("IPV4", True))
    graph = catalog(spec(1, PRODUCT, (rule,), (template(1),)), spec(2, RFS, (), (template(2),)))

    plan = plan_line_item(graph, 1, {"ipVersion": value})

    assert len(plan.domain_orders) == (1 if excluded else 2)


def test_a_specification_that_contains_itself_is_refused() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2),), (template(1),)),
        spec(2, CFS, (to(3),), (template(2),)),
        spec(3, RFS, (to(2),), (template(3),)),
    )

    with pytest.raises(PlanError, match="S2 → S3 → S2"):
        plan_line_item(graph, 1, {})


def test_cyclic_template_dependencies_are_refused() -> None:
    graph = catalog(spec(1, PRODUCT, (), (template(1, 2), template(2, 1))))

    with pytest.raises(PlanError, match="cycle"):
        plan_line_item(graph, 1, {})


def test_a_template_dependency_on_another_specification_is_refused() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2),), (template(1, 2),)),
        spec(2, RESOURCE, (), (template(2),)),
    )

    with pytest.raises(PlanError, match="another specification"):
        plan_line_item(graph, 1, {})


def test_earliest_finish_follows_the_longest_chain() -> None:
    # 0 → 1 → 3 and 0 → 2 → 3, the branch through 2 being the longer.
    finish = earliest_finish([10, 5, 30, 1], [(1, 0), (2, 0), (3, 1), (3, 2)])

    assert finish == [10, 15, 40, 41]


# Planning by action (docs/design/lifecycle-and-installed-base.md, section 3).


def test_a_template_that_declares_no_action_is_planned_for_add_only() -> None:
    graph = catalog(spec(1, PRODUCT, (), (template(1), modify(2))))

    add = plan_line_item(graph, 1, {})
    change = plan_line_item(graph, 1, {}, action=MODIFY)

    assert names(add) == ["Task 1"]
    assert names(change) == ["Task 2"]


@pytest.mark.parametrize(
    ("action", "planned"), [(ADD, ["Task 1"]), (MODIFY, ["Task 2"]), (DELETE, ["Task 3"])]
)
def test_an_item_gets_the_templates_of_its_action(
    action: LineItemAction, planned: list[str]
) -> None:
    graph = catalog(spec(1, PRODUCT, (), (template(1), modify(2), delete(3))))

    plan = plan_line_item(graph, 1, {}, action=action)

    assert names(plan) == planned
    assert [d.action for d in plan.domain_orders] == [action]


def test_a_template_of_several_actions_is_planned_for_each() -> None:
    both = template(1, actions=frozenset({ADD, DELETE}))
    graph = catalog(spec(1, PRODUCT, (), (both,)))

    assert names(plan_line_item(graph, 1, {}, action=DELETE)) == ["Task 1"]
    assert names(plan_line_item(graph, 1, {}, action=ADD)) == ["Task 1"]


def test_a_relationship_limited_to_add_is_not_walked_for_delete() -> None:
    survey = RelationshipNode(target_id=2, type=RelationshipType.REQUIRES, actions=frozenset({ADD}))
    graph = catalog(
        spec(1, PRODUCT, (survey, to(3)), (delete(1),)),
        spec(2, CFS, (), (template(2), delete(2_1))),
        spec(3, RESOURCE, (), (delete(3),)),
    )

    plan = plan_line_item(graph, 1, {}, action=DELETE)

    assert [d.specification_code for d in plan.domain_orders] == ["S1", "S3"]


def test_a_delete_finishes_a_parent_s_tasks_before_its_children_s_start() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2),), (delete(1), delete(2, 1))),
        spec(2, RESOURCE, (), (delete(3), delete(4, 3))),
    )

    plan = plan_line_item(graph, 1, {}, action=DELETE)

    assert edges(plan) == {("Task 2", "Task 1"), ("Task 4", "Task 3"), ("Task 3", "Task 2")}
    assert [plan.tasks[i].name for i in sorted(plan.ready_tasks)] == ["Task 1"]
    assert plan.finish_minutes == (10, 20, 30, 40)


def test_a_delete_passes_a_parent_s_order_through_a_child_without_tasks() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2),), (delete(1),)),
        spec(2, CFS, (to(3), to(4)), (template(2),)),
        spec(3, RFS, (), (delete(3),)),
        spec(4, RESOURCE, (), (delete(4),)),
    )

    plan = plan_line_item(graph, 1, {}, action=DELETE)

    assert tree(plan) == [
        ("S1", None, DELETE),
        ("S2", 0, DELETE),
        ("S3", 1, DELETE),
        ("S4", 1, DELETE),
    ]
    assert edges(plan) == {("Task 3", "Task 1"), ("Task 4", "Task 1")}


@pytest.mark.parametrize("action", [MODIFY, DELETE])
def test_a_change_or_a_teardown_leaves_out_domain_orders_with_nothing_to_do(
    action: LineItemAction,
) -> None:
    both = frozenset({MODIFY, DELETE})
    graph = catalog(
        spec(1, PRODUCT, (to(2), to(4)), (template(1, actions=both),)),
        spec(2, CFS, (to(3),)),
        spec(3, RFS, (), (template(3, actions=both),)),
        spec(4, RESOURCE, (), (template(4),)),
    )

    plan = plan_line_item(graph, 1, {}, action=action)

    assert [(d.specification_code, d.parent) for d in plan.domain_orders] == [
        ("S1", None),
        ("S2", 0),
        ("S3", 1),
    ]


def test_a_delete_with_nothing_to_do_plans_nothing() -> None:
    graph = catalog(spec(1, PRODUCT, (), (template(1),)))

    plan = plan_line_item(graph, 1, {}, action=DELETE)

    assert plan.domain_orders == () and plan.tasks == ()


def test_a_modify_plans_the_specifications_that_depend_on_a_changed_characteristic() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2), to(3), to(4)), (modify(1),)),
        spec(2, RFS, (), (modify(2),), depends_on_characteristics=frozenset({"bandwidth"})),
        spec(3, RFS, (), (modify(3),), depends_on_characteristics=frozenset({"ipVersion"})),
        spec(4, RESOURCE, (), (modify(4),)),
    )

    plan = plan_line_item(
        graph,
        1,
        {"bandwidth": 1000, "ipVersion": "DUAL"},
        action=MODIFY,
        previous_characteristics={"bandwidth": 500, "ipVersion": "DUAL"},
    )

    assert names(plan) == ["Task 1", "Task 2", "Task 4"]


def test_a_modify_without_the_previous_characteristics_plans_every_modify_template() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2),), ()),
        spec(2, RFS, (), (modify(2),), depends_on_characteristics=frozenset({"ipVersion"})),
    )

    plan = plan_line_item(graph, 1, {"ipVersion": "DUAL"}, action=MODIFY)

    assert names(plan) == ["Task 2"]


def test_a_change_of_type_is_a_change() -> None:
    graph = catalog(
        spec(1, PRODUCT, (), (modify(1),), depends_on_characteristics=frozenset({"static"})),
    )

    plan = plan_line_item(
        graph, 1, {"static": True}, action=MODIFY, previous_characteristics={"static": 1}
    )

    assert names(plan) == ["Task 1"]


def test_a_modify_adds_what_the_new_characteristics_include_and_tears_down_what_they_exclude() -> (
    None
):
    ipv6 = to(2, exclude_characteristic="ipVersion", exclude_values=("IPV4",))
    ipv4 = to(3, exclude_characteristic="ipVersion", exclude_values=("IPV6",))
    graph = catalog(
        spec(1, PRODUCT, (ipv6, ipv4), (modify(1),)),
        spec(2, RFS, (), (template(2), delete(2_1))),
        spec(3, RFS, (), (template(3), delete(3_1))),
    )

    plan = plan_line_item(
        graph,
        1,
        {"ipVersion": "IPV6"},
        action=MODIFY,
        previous_characteristics={"ipVersion": "IPV4"},
    )

    assert tree(plan) == [("S1", None, MODIFY), ("S2", 0, ADD), ("S3", 0, DELETE)]
    # The new prefix is allocated before the change, the old address released after it.
    assert edges(plan) == {("Task 1", "Task 2"), ("Task 31", "Task 1")}


def test_a_dependency_on_a_template_of_another_action_is_left_out() -> None:
    graph = catalog(spec(1, PRODUCT, (), (template(1), delete(2, 1))))

    plan = plan_line_item(graph, 1, {}, action=DELETE)

    assert names(plan) == ["Task 2"] and plan.dependencies == ()


def test_a_planned_task_carries_its_template_s_point_of_no_return() -> None:
    graph = catalog(spec(1, PRODUCT, (), (template(1), template(2, 1, point_of_no_return=True))))

    plan = plan_line_item(graph, 1, {})

    assert [t.point_of_no_return for t in plan.tasks] == [False, True]


def test_a_product_that_claims_an_action_it_cannot_plan_is_reported() -> None:
    # The only DELETE template is behind a relationship walked for ADD only.
    add_only = RelationshipNode(
        target_id=2, type=RelationshipType.REQUIRES, actions=frozenset({ADD})
    )
    graph = catalog(
        spec(1, PRODUCT, (add_only,), (template(1), modify(2))),
        spec(2, RESOURCE, (), (template(3), delete(4))),
    )

    assert unplannable_actions(graph, 1) == {DELETE}


def test_a_product_that_plans_every_action_it_claims_is_not_reported() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2),), (template(1), modify(2))),
        spec(2, RESOURCE, (), (template(3), delete(4))),
    )

    assert unplannable_actions(graph, 1) == frozenset()


VALUES = st.sampled_from(["A", "B", "C"])


@settings(max_examples=200, deadline=None)
@given(
    graph=catalogs(varied_actions=True),
    action=st.sampled_from(list(LineItemAction)),
    before=VALUES,
    after=VALUES,
)
def test_every_action_orders_domain_orders_its_way(
    graph: CatalogGraph, action: LineItemAction, before: str, after: str
) -> None:
    previous = {"x": before} if action is MODIFY else None

    plan = plan_line_item(graph, 1, {"x": after}, action=action, previous_characteristics=previous)

    def ancestors(index: int) -> set[int]:
        found = set()
        parent = plan.domain_orders[index].parent
        while parent is not None:
            found.add(parent)
            parent = plan.domain_orders[parent].parent
        return found

    for waiter, waited in plan.dependencies:
        mine, theirs = plan.tasks[waiter].domain_order, plan.tasks[waited].domain_order
        if mine == theirs:
            continue
        if plan.domain_orders[mine].action is DELETE:
            assert theirs in ancestors(mine)  # torn down after what is above it
        else:
            assert mine in ancestors(theirs)  # built after what is below it
    for index, planned in enumerate(plan.domain_orders):
        # Only a MODIFY mixes modes: below it, what the change adds or removes.
        parent = planned.parent
        if parent is not None and plan.domain_orders[parent].action is not MODIFY:
            assert planned.action is plan.domain_orders[parent].action
        # A change or a teardown has work in every domain order's subtree.
        if planned.action is not ADD:
            subtree = {index} | {i for i in range(len(plan.domain_orders)) if index in ancestors(i)}
            assert any(t.domain_order in subtree for t in plan.tasks)
