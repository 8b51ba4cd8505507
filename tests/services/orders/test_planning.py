"""Planning as a pure function of a catalog graph and a line item (no database)."""

from __future__ import annotations

import pytest

from models.enums import RelationshipType, SpecificationKind
from services.orders.catalog_graph import (
    CatalogGraph,
    RelationshipNode,
    SpecificationNode,
    TemplateNode,
)
from services.orders.planning import LineItemPlan, PlanError, earliest_finish, plan_line_item

PRODUCT = SpecificationKind.PRODUCT
CFS = SpecificationKind.CUSTOMER_FACING_SERVICE
RFS = SpecificationKind.RESOURCE_FACING_SERVICE
RESOURCE = SpecificationKind.RESOURCE


def template(id: int, *depends_on: int, minutes: int = 10) -> TemplateNode:
    return TemplateNode(
        id=id,
        code=f"t{id}",
        name=f"Task {id}",
        assignment_group_id=1,
        expected_duration_minutes=minutes,
        depends_on=depends_on,
    )


def to(
    target: int, type: RelationshipType = RelationshipType.REQUIRES, **rule: object
) -> RelationshipNode:
    return RelationshipNode(target_id=target, type=type, **rule)  # type: ignore[arg-type]


def catalog(*specs: SpecificationNode) -> CatalogGraph:
    return CatalogGraph({s.id: s for s in specs})


def spec(
    id: int,
    kind: SpecificationKind,
    relationships: tuple[RelationshipNode, ...] = (),
    templates: tuple[TemplateNode, ...] = (),
) -> SpecificationNode:
    return SpecificationNode(
        id=id, code=f"S{id}", kind=kind, relationships=relationships, templates=templates
    )


def edges(plan: LineItemPlan) -> set[tuple[str, str]]:
    return {(plan.tasks[a].name, plan.tasks[b].name) for a, b in plan.dependencies}


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
