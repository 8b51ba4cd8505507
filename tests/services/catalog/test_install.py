"""Installing a catalog: rows for every entry, in one go, and nothing new the second time."""

from __future__ import annotations

from typing import Any

import pytest

from models import (
    AssignmentGroup,
    ServiceSpecification,
    SpecificationRelationship,
    TaskTemplate,
    TaskTemplateDependency,
)
from models.enums import RelationshipType
from services.catalog import CatalogDocument, CatalogError, install_catalog, load_catalog
from tests.services.catalog.conftest import WriteCatalog


async def catalog_rows() -> dict[str, list[dict[str, Any]]]:
    """Every catalog row, ids included: what "changes nothing" is measured against."""
    return {
        "groups": await AssignmentGroup.all().order_by("id").values(),
        "specifications": await ServiceSpecification.all().order_by("id").values(),
        "relationships": await SpecificationRelationship.all().order_by("id").values(),
        "templates": await TaskTemplate.all().order_by("id").values(),
        "dependencies": await TaskTemplateDependency.all().order_by("id").values(),
    }


async def test_the_demo_catalog_installs_every_specification(
    db: str, demo_catalog: CatalogDocument
) -> None:
    await install_catalog(demo_catalog)

    codes = [spec.code for spec in await ServiceSpecification.all()]
    assert sorted(codes) == sorted(spec.code for spec in demo_catalog.specifications)


async def test_an_exclusion_rule_is_stored_on_its_relationship(catalog: CatalogDocument) -> None:
    relationship = await SpecificationRelationship.get(
        source__code="FTTH_INTERNET_CFS", target__code="IPV6_PREFIX_RFS"
    )

    assert relationship.type is RelationshipType.REQUIRES
    assert relationship.exclude_characteristic == "ipVersion"
    assert relationship.exclude_values == ["IPV4"]


async def test_template_dependencies_are_stored_between_templates_of_one_specification(
    catalog: CatalogDocument,
) -> None:
    install = await TaskTemplate.get(
        specification__code="GPON_ACCESS_RFS", code="install_fibre_drop"
    )

    dependencies = await TaskTemplateDependency.filter(template=install).select_related(
        "depends_on"
    )

    assert [dependency.depends_on.code for dependency in dependencies] == ["site_survey"]


async def test_a_compensator_and_a_point_of_no_return_are_stored_on_the_template(
    catalog: CatalogDocument,
) -> None:
    ship = await TaskTemplate.get(specification__code="ONT_DEVICE", code="ship_ont")
    recover = await TaskTemplate.get(specification__code="ONT_DEVICE", code="recover_ont")
    install = await TaskTemplate.get(
        specification__code="GPON_ACCESS_RFS", code="install_fibre_drop"
    )

    assert (ship.compensated_by_id, recover.compensated_by_id) == (recover.id, None)
    assert (install.point_of_no_return, ship.point_of_no_return) == (True, False)


async def test_installing_the_same_catalog_twice_changes_nothing(catalog: CatalogDocument) -> None:
    before = await catalog_rows()

    await install_catalog(catalog)

    assert await catalog_rows() == before


async def test_an_invalid_document_is_refused_before_anything_is_written(db: str) -> None:
    document = CatalogDocument.model_validate(
        {
            "assignment_groups": [{"name": "logistics"}],
            "specifications": [
                {"code": "ONT", "name": "ONT", "kind": "RESOURCE", "domain": "cpe"},
                {
                    "code": "SIM",
                    "name": "SIM",
                    "kind": "RESOURCE",
                    "domain": "mobile",
                    "task_templates": [
                        {"code": "ship", "name": "Ship", "assignment_group": "couriers"}
                    ],
                },
            ],
        }
    )

    with pytest.raises(CatalogError):
        await install_catalog(document)

    rows = await catalog_rows()
    assert rows == {table: [] for table in rows}


async def test_reinstalling_an_edited_catalog_brings_the_rows_in_line_in_place(
    db: str, write_catalog: WriteCatalog
) -> None:
    original = load_catalog(
        write_catalog(
            """
            assignment_groups: [{name: logistics}, {name: field-operations}]
            specifications:
              - code: EDGE_RFS
                name: Edge
                kind: RESOURCE_FACING_SERVICE
                domain: enterprise
                relationships: [{type: REQUIRES, target: APPLIANCE, quantity: 2}]
                task_templates:
                  - {code: survey, name: Survey, assignment_group: field-operations}
                  - {code: install, name: Install, assignment_group: field-operations,
                     depends_on: [survey]}
              - {code: APPLIANCE, name: Appliance, kind: RESOURCE, domain: cpe}
            """
        )
    )
    await install_catalog(original)
    install_id = (await TaskTemplate.get(code="install")).id
    edited = load_catalog(
        write_catalog(
            """
            assignment_groups: [{name: logistics}, {name: field-operations}]
            specifications:
              - code: EDGE_RFS
                name: Edge
                kind: RESOURCE_FACING_SERVICE
                domain: enterprise
                relationships: [{type: REQUIRES, target: APPLIANCE, quantity: 1}]
                task_templates:
                  - {code: install, name: Install on site, assignment_group: logistics}
              - {code: APPLIANCE, name: Appliance, kind: RESOURCE, domain: cpe}
            """
        )
    )

    await install_catalog(edited)

    template = await TaskTemplate.get(code="install").prefetch_related("assignment_group")
    relationship = await SpecificationRelationship.get(source__code="EDGE_RFS")
    assert (template.id, template.name, template.assignment_group.name) == (
        install_id,
        "Install on site",
        "logistics",
    )
    assert relationship.quantity == 1
    assert await TaskTemplate.filter(code="survey").count() == 0
    assert await TaskTemplateDependency.all().count() == 0
