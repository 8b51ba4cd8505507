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
    # A template named as a compensator is planned for no action: only a cancellation makes it.
    compensators = {t.compensated_by for t in spec.task_templates}
    total = sum(
        1
        for t in spec.task_templates
        if t.code not in compensators and (t.actions is None or LineItemAction.ADD in t.actions)
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


def product_trees(document: CatalogDocument, code: str) -> list[str]:
    """`code` and every specification beneath it through decomposing relationships."""
    specs = {spec.code: spec for spec in document.specifications}
    found = [code]
    for rel in specs[code].relationships:
        if rel.type in DECOMPOSING_RELATIONSHIPS:
            found += product_trees(document, rel.target)
    return found


def test_each_demo_product_has_one_point_of_no_return(demo_catalog: CatalogDocument) -> None:
    specs = {spec.code: spec for spec in demo_catalog.specifications}
    marked = {
        code: [
            f"{spec}.{t.code}"
            for spec in dict.fromkeys(product_trees(demo_catalog, code))
            for t in specs[spec].task_templates
            if t.point_of_no_return
        ]
        for code in products(demo_catalog)
    }

    assert marked == {
        "FIBRE_BROADBAND": ["GPON_ACCESS_RFS.install_fibre_drop"],
        "BUSINESS_SDWAN": ["SDWAN_EDGE_RFS.install_edges"],
        "MOBILE_LINE": ["SIM_CARD.dispatch_sim"],
        "TV_VOICE_BUNDLE": ["SET_TOP_BOX.ship_set_top_box"],
    }


def test_the_demo_catalog_undoes_allocations_and_shipments(
    demo_catalog: CatalogDocument,
) -> None:
    names = {
        (spec.code, t.code): t.name
        for spec in demo_catalog.specifications
        for t in spec.task_templates
    }
    undone = {
        names[(spec.code, t.code)]: names[(spec.code, t.compensated_by)]
        for spec in demo_catalog.specifications
        for t in spec.task_templates
        if t.compensated_by
    }

    assert undone["Allocate a /56 IPv6 prefix"] == "Release the IPv6 prefix"
    assert undone["Ship the ONT to the installer"] == "Recover the ONT"
    assert len(undone) == 9
