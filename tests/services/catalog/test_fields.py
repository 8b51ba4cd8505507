"""Each entry has its required fields, with values of the right kind, and no unknown ones."""

from __future__ import annotations

import pytest

from services.catalog import CatalogError, load_catalog
from tests.services.catalog.conftest import WriteCatalog


def test_a_missing_required_field_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - {code: ONT, kind: RESOURCE, domain: cpe}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [f"{path}: specification 'ONT': missing required field 'name'"]


def test_an_invalid_kind_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - {code: ONT, name: ONT, kind: DEVICE, domain: cpe}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'ONT': field 'kind': input should be 'PRODUCT', "
        "'CUSTOMER_FACING_SERVICE', 'RESOURCE_FACING_SERVICE' or 'RESOURCE' (got 'DEVICE')"
    ]


def test_an_invalid_relationship_type_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - code: BROADBAND
            name: Broadband
            kind: PRODUCT
            domain: residential
            relationships:
              - {type: CONTAINS, target: ONT}
          - {code: ONT, name: ONT, kind: RESOURCE, domain: cpe}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'BROADBAND': relationship to 'ONT': field 'type': input should "
        "be 'BUNDLES', 'REALIZED_AS', 'REQUIRES' or 'COMPOSED_OF' (got 'CONTAINS')"
    ]


def test_a_quantity_below_one_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - code: BROADBAND
            name: Broadband
            kind: PRODUCT
            domain: residential
            relationships:
              - {type: REQUIRES, target: ONT, quantity: 0}
          - {code: ONT, name: ONT, kind: RESOURCE, domain: cpe}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'BROADBAND': relationship to 'ONT': field 'quantity': input "
        "should be greater than or equal to 1 (got 0)"
    ]


def test_a_misspelt_field_is_refused_rather_than_ignored(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - code: BROADBAND
            name: Broadband
            kind: PRODUCT
            domain: residential
            relationships:
              - {type: REQUIRES, target: ONT, exclude_if: {characteristic: cpe, in: [OWN]}}
          - {code: ONT, name: ONT, kind: RESOURCE, domain: cpe}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'BROADBAND': relationship to 'ONT': unknown field 'exclude_if'"
    ]


def test_an_exclusion_rule_without_values_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - code: BROADBAND
            name: Broadband
            kind: PRODUCT
            domain: residential
            relationships:
              - {type: REQUIRES, target: ONT, exclude_when: {characteristic: cpe, in: []}}
          - {code: ONT, name: ONT, kind: RESOURCE, domain: cpe}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'BROADBAND': relationship to 'ONT': field 'exclude_when.in': "
        "list should have at least 1 item after validation, not 0"
    ]


def test_every_problem_of_a_file_is_reported_at_once(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - {code: ONT, kind: RESOURCE, domain: cpe}
          - {code: SIM, name: SIM, kind: CARD, domain: mobile}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert [problem.split(": ")[1] for problem in refused.value.problems] == [
        "specification 'ONT'",
        "specification 'SIM'",
    ]


@pytest.mark.parametrize("minutes", [0, -5])
def test_a_task_duration_of_zero_or_less_is_refused(
    write_catalog: WriteCatalog, minutes: int
) -> None:
    # The schedule plans each task on its template's duration: no task takes no time.
    path = write_catalog(
        f"""
        assignment_groups:
          - name: field
        specifications:
          - code: ONT
            name: ONT
            kind: RESOURCE
            domain: cpe
            task_templates:
              - {{code: ship, name: Ship, assignment_group: field, duration_minutes: {minutes}}}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'ONT': task template 'ship': field 'duration_minutes': input "
        f"should be greater than or equal to 1 (got {minutes})"
    ]
