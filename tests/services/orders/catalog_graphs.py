"""Hand-made catalog graphs and plan readers for the pure planning tests (no database)."""

from __future__ import annotations

from hypothesis import strategies as st

from models.enums import LineItemAction, RelationshipType, SpecificationKind
from services.orders.catalog_graph import (
    CatalogGraph,
    RelationshipNode,
    SpecificationNode,
    TemplateNode,
)
from services.orders.planning import LineItemPlan

PRODUCT = SpecificationKind.PRODUCT
CFS = SpecificationKind.CUSTOMER_FACING_SERVICE
RFS = SpecificationKind.RESOURCE_FACING_SERVICE
RESOURCE = SpecificationKind.RESOURCE

ADD = LineItemAction.ADD
MODIFY = LineItemAction.MODIFY
DELETE = LineItemAction.DELETE


def template(
    id: int,
    *depends_on: int,
    minutes: int = 10,
    actions: frozenset[LineItemAction] = frozenset({ADD}),
    point_of_no_return: bool = False,
    compensated_by: int | None = None,
) -> TemplateNode:
    return TemplateNode(
        id=id,
        code=f"t{id}",
        name=f"Task {id}",
        assignment_group_id=1,
        expected_duration_minutes=minutes,
        depends_on=depends_on,
        actions=actions,
        point_of_no_return=point_of_no_return,
        compensated_by=compensated_by,
    )


def modify(id: int, *depends_on: int) -> TemplateNode:
    return template(id, *depends_on, actions=frozenset({MODIFY}))


def delete(id: int, *depends_on: int) -> TemplateNode:
    return template(id, *depends_on, actions=frozenset({DELETE}))


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
    depends_on_characteristics: frozenset[str] | None = None,
) -> SpecificationNode:
    return SpecificationNode(
        id=id,
        code=f"S{id}",
        kind=kind,
        relationships=relationships,
        templates=templates,
        depends_on_characteristics=depends_on_characteristics,
    )


def edges(plan: LineItemPlan) -> set[tuple[str, str]]:
    return {(plan.tasks[a].name, plan.tasks[b].name) for a, b in plan.dependencies}


def names(plan: LineItemPlan) -> list[str]:
    return [t.name for t in plan.tasks]


def tree(plan: LineItemPlan) -> list[tuple[str, int | None, LineItemAction]]:
    return [(d.specification_code, d.parent, d.action) for d in plan.domain_orders]


@st.composite
def catalogs(draw: st.DrawFn, varied_actions: bool = False) -> CatalogGraph:
    """Random catalogs whose product is specification 1: a tree-shaped DAG of up to four
    specifications, relationships with quantities and exclusions on characteristic `x`,
    templates with dependencies and compensators; with `varied_actions` each template is
    planned for a random non-empty set of actions, otherwise for ADD."""
    count = draw(st.integers(1, 4))
    specs = []
    for s in range(1, count + 1):
        relationships = tuple(
            RelationshipNode(
                target_id=target,
                type=to(target).type,
                quantity=draw(st.integers(1, 2)),
                exclude_characteristic=draw(st.sampled_from([None, "x"])),
                exclude_values=(draw(st.sampled_from(["A", "B"])),),
            )
            for target in (
                sorted(draw(st.sets(st.integers(s + 1, count), max_size=2))) if s < count else []
            )
        )
        own = draw(st.integers(0, 3))
        templates = []
        for k in range(own):
            id = s * 100 + k
            earlier = [s * 100 + j for j in range(k)]
            depends_on = tuple(sorted(draw(st.sets(st.sampled_from(earlier)))) if earlier else ())
            undone = draw(st.booleans())
            actions = (
                draw(st.sets(st.sampled_from(list(LineItemAction)), min_size=1))
                if varied_actions
                else {ADD}
            )
            templates.append(
                template(
                    id,
                    *depends_on,
                    actions=frozenset(actions),
                    compensated_by=id + 50 if undone else None,
                )
            )
            if undone:
                templates.append(template(id + 50, actions=frozenset()))
        specs.append(spec(s, PRODUCT, relationships, tuple(templates)))
    return catalog(*specs)
