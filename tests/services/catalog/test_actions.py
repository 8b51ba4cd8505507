"""Templates and relationships declare the actions they are planned for; a product must be able
to plan every action it claims (docs/design/lifecycle-and-installed-base.md, section 2)."""

from __future__ import annotations

import pytest

from models import ServiceSpecification, SpecificationRelationship, TaskTemplate
from models.enums import LineItemAction
from services.catalog import CatalogError, install_catalog, load_catalog
from services.orders.catalog_graph import load_catalog_graph
from tests.services.catalog.conftest import WriteCatalog

A = LineItemAction

PRODUCT = """
assignment_groups:
  - name: billing
specifications:
  - code: PHONE
    name: Phone
    kind: PRODUCT
    domain: voice
    depends_on_characteristics: [plan]
    relationships:
      - {{type: REQUIRES, target: NUMBER, actions: {relationship_actions}}}
    task_templates:
      - {{code: start_billing, name: Start billing, assignment_group: billing}}
  - code: NUMBER
    name: Number
    kind: RESOURCE
    domain: numbering
    task_templates:
      - {{code: reserve, name: Reserve, assignment_group: billing}}
      - {{code: release, name: Release, assignment_group: billing, actions: [DELETE]}}
"""


def test_actions_default_to_add_for_templates_and_all_for_relationships(
    write_catalog: WriteCatalog,
) -> None:
    document = load_catalog(write_catalog(PRODUCT.format(relationship_actions="[ADD, DELETE]")))
    number = document.specifications[1]

    assert number.task_templates[0].actions is None
    assert number.task_templates[1].actions == [A.DELETE]
    assert document.specifications[0].relationships[0].actions == [A.ADD, A.DELETE]
    assert document.specifications[0].depends_on_characteristics == ["plan"]


def test_an_unknown_action_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(PRODUCT.format(relationship_actions="[ADD, UPGRADE]"))

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert "specification 'PHONE': relationship to 'NUMBER': field 'actions.1'" in str(
        refused.value
    )


def test_a_product_that_cannot_plan_an_action_it_claims_is_refused(
    write_catalog: WriteCatalog,
) -> None:
    # NUMBER's release is a DELETE template, but the relationship is not walked for DELETE.
    path = write_catalog(PRODUCT.format(relationship_actions="[ADD]"))

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert str(refused.value) == (
        f"{path}: specification 'PHONE': some template of its tree is planned for DELETE, but "
        "its DELETE plan has no task (a relationship that is not walked for DELETE?)"
    )


def test_a_dependency_on_a_template_of_none_of_its_actions_is_refused(
    write_catalog: WriteCatalog,
) -> None:
    path = write_catalog(
        """
        assignment_groups:
          - name: billing
        specifications:
          - code: PHONE
            name: Phone
            kind: PRODUCT
            domain: voice
            task_templates:
              - {code: start_billing, name: Start billing, assignment_group: billing}
              - {code: stop_billing, name: Stop billing, assignment_group: billing,
                 actions: [DELETE], depends_on: [start_billing]}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert str(refused.value) == (
        f"{path}: specification 'PHONE': task template 'stop_billing' depends on "
        "'start_billing', which is planned for none of its actions (DELETE)"
    )


async def test_installed_actions_reach_the_planning_graph(
    db: str, write_catalog: WriteCatalog
) -> None:
    await install_catalog(
        load_catalog(write_catalog(PRODUCT.format(relationship_actions="[ADD, DELETE]")))
    )
    phone = await ServiceSpecification.get(code="PHONE")

    graph = await load_catalog_graph([phone.id])

    number = next(s for s in graph.specifications.values() if s.code == "NUMBER")
    assert [t.actions for t in number.templates] == [frozenset({A.ADD}), frozenset({A.DELETE})]
    assert graph[phone.id].relationships[0].actions == frozenset({A.ADD, A.DELETE})
    assert graph[phone.id].depends_on_characteristics == frozenset({"plan"})
    assert number.depends_on_characteristics is None


async def test_actions_are_stored_in_one_order_whatever_order_they_are_written_in(
    db: str, write_catalog: WriteCatalog
) -> None:
    document = load_catalog(write_catalog(PRODUCT.format(relationship_actions="[DELETE, ADD]")))
    await install_catalog(document)

    await install_catalog(document)

    relationships = [r.actions for r in await SpecificationRelationship.all()]
    templates = sorted(t.actions for t in await TaskTemplate.all())
    assert relationships == ["ADD,DELETE"]
    assert templates == [
        "ADD",
        "ADD",
        "DELETE",
    ]
