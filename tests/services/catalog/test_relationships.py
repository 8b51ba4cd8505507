"""Relationships must point at declared specifications, downwards, once, without cycles."""

from __future__ import annotations

import pytest

from services.catalog import CatalogError, load_catalog
from tests.services.catalog.conftest import WriteCatalog


def test_a_relationship_to_an_unknown_specification_is_refused(
    write_catalog: WriteCatalog,
) -> None:
    path = write_catalog(
        """
        specifications:
          - code: FTTH_CFS
            name: FTTH access
            kind: CUSTOMER_FACING_SERVICE
            domain: fixed-access
            relationships:
              - {type: REALIZED_AS, target: GPON_RFS}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'FTTH_CFS': relationship REALIZED_AS to unknown "
        "specification 'GPON_RFS'"
    ]


def test_two_relationships_to_one_target_are_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - code: FTTH_CFS
            name: FTTH access
            kind: CUSTOMER_FACING_SERVICE
            domain: fixed-access
            relationships:
              - {type: REALIZED_AS, target: ONT}
              - {type: REQUIRES, target: ONT}
          - {code: ONT, name: ONT, kind: RESOURCE, domain: cpe}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'FTTH_CFS': relationship to 'ONT' is declared twice"
    ]


def test_a_relationship_pointing_upwards_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - code: ONT
            name: ONT
            kind: RESOURCE
            domain: cpe
            relationships:
              - {type: REALIZED_AS, target: BROADBAND}
          - {code: BROADBAND, name: Broadband, kind: PRODUCT, domain: residential}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'ONT': relationship REALIZED_AS to 'BROADBAND' points upwards "
        "(RESOURCE → PRODUCT); relationships go from products towards resources"
    ]


def test_a_product_may_bundle_another_product(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - code: BUNDLE
            name: Bundle
            kind: PRODUCT
            domain: residential
            relationships:
              - {type: BUNDLES, target: BROADBAND}
          - {code: BROADBAND, name: Broadband, kind: PRODUCT, domain: residential}
        """
    )

    document = load_catalog(path)

    assert [rel.target for rel in document.specifications[0].relationships] == ["BROADBAND"]


def test_a_cycle_of_relationships_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - code: ACCESS_RFS
            name: Access
            kind: RESOURCE_FACING_SERVICE
            domain: access
            relationships:
              - {type: REQUIRES, target: TRANSPORT_RFS}
          - code: TRANSPORT_RFS
            name: Transport
            kind: RESOURCE_FACING_SERVICE
            domain: transport
            relationships:
              - {type: COMPOSED_OF, target: ACCESS_RFS}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'ACCESS_RFS': relationships form a cycle: "
        "ACCESS_RFS → TRANSPORT_RFS → ACCESS_RFS"
    ]
