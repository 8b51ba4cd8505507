"""The demo catalog is valid and shaped for demos: every feature of the format, small plans."""

from __future__ import annotations

from collections.abc import Mapping

from models.enums import (
    DECOMPOSING_RELATIONSHIPS,
    LineItemAction,
    RelationshipType,
    SpecificationKind,
)
from services.catalog import DEMO_CATALOG_PATH, CatalogDocument, validate_catalog_file


def tasks_of_tree(
    document: CatalogDocument, code: str, characteristics: Mapping[str, object]
) -> int:
    """Tasks the decomposition of `code` for an ADD makes, as demo.yaml's comments promise."""
    specs = {spec.code: spec for spec in document.specifications}
    spec = specs[code]
    total = sum(
        1 for t in spec.task_templates if t.actions is None or LineItemAction.ADD in t.actions
    )
    for rel in spec.relationships:
        rule = rel.exclude_when
        if rel.type not in DECOMPOSING_RELATIONSHIPS:
            continue
        if rel.actions is not None and LineItemAction.ADD not in rel.actions:
            continue
        if rule and characteristics.get(rule.characteristic) in rule.values:
            continue
        total += rel.quantity * tasks_of_tree(document, rel.target, characteristics)
    return total


def products(document: CatalogDocument) -> list[str]:
    return [s.code for s in document.specifications if s.kind is SpecificationKind.PRODUCT]


def test_the_demo_catalog_has_no_problems() -> None:
    assert validate_catalog_file(DEMO_CATALOG_PATH) == []


def test_each_demo_product_makes_the_tasks_its_comment_promises(
    demo_catalog: CatalogDocument,
) -> None:
    counts = {code: tasks_of_tree(demo_catalog, code, {}) for code in products(demo_catalog)}

    assert counts == {
        "FIBRE_BROADBAND": 7,
        "BUSINESS_SDWAN": 6,
        "MOBILE_LINE": 6,
        "TV_VOICE_BUNDLE": 6,
    }


def test_the_ipv4_exclusion_leaves_out_one_fibre_task(demo_catalog: CatalogDocument) -> None:
    ipv4_only = tasks_of_tree(demo_catalog, "FIBRE_BROADBAND", {"ipVersion": "IPV4"})

    assert ipv4_only == 6


def test_the_demo_catalog_uses_every_relationship_type(demo_catalog: CatalogDocument) -> None:
    used = {rel.type for spec in demo_catalog.specifications for rel in spec.relationships}

    assert used == set(RelationshipType)


def test_every_demo_assignment_group_has_work(demo_catalog: CatalogDocument) -> None:
    used = {
        template.assignment_group
        for spec in demo_catalog.specifications
        for template in spec.task_templates
    }

    assert used == {group.name for group in demo_catalog.assignment_groups}
