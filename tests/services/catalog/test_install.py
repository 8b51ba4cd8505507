"""Installing a catalog: rows for every entry, in one go, and nothing new the second time."""

from __future__ import annotations

from typing import Any

from models import (
    AssignmentGroup,
    ServiceSpecification,
    SpecificationRelationship,
    TaskTemplate,
    TaskTemplateDependency,
)
from models.enums import RelationshipType
from services.catalog import CatalogDocument, install_catalog


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


async def test_installing_the_same_catalog_twice_changes_nothing(catalog: CatalogDocument) -> None:
    before = await catalog_rows()

    await install_catalog(catalog)

    assert await catalog_rows() == before
