"""Every code is declared once: specifications, groups, and templates within a specification."""

from __future__ import annotations

import pytest

from services.catalog import CatalogError, load_catalog
from tests.services.catalog.conftest import WriteCatalog


def test_a_specification_declared_twice_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - {code: ONT, name: ONT, kind: RESOURCE, domain: cpe}
          - {code: ONT, name: Optical terminal, kind: RESOURCE, domain: cpe}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [f"{path}: specification 'ONT': declared twice"]


def test_an_assignment_group_declared_twice_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        assignment_groups:
          - name: logistics
          - name: logistics
        specifications:
          - {code: ONT, name: ONT, kind: RESOURCE, domain: cpe}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [f"{path}: assignment group 'logistics': declared twice"]


def test_a_template_code_declared_twice_in_one_specification_is_refused(
    write_catalog: WriteCatalog,
) -> None:
    path = write_catalog(
        """
        assignment_groups:
          - name: logistics
        specifications:
          - code: ONT
            name: ONT
            kind: RESOURCE
            domain: cpe
            task_templates:
              - {code: ship, name: Ship the ONT, assignment_group: logistics}
              - {code: ship, name: Ship it again, assignment_group: logistics}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'ONT': task template 'ship' is declared twice"
    ]


def test_one_template_code_may_appear_in_two_specifications(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        assignment_groups:
          - name: logistics
        specifications:
          - code: ONT
            name: ONT
            kind: RESOURCE
            domain: cpe
            task_templates:
              - {code: ship, name: Ship the ONT, assignment_group: logistics}
          - code: SIM
            name: SIM
            kind: RESOURCE
            domain: mobile
            task_templates:
              - {code: ship, name: Ship the SIM, assignment_group: logistics}
        """
    )

    document = load_catalog(path)

    assert [spec.task_templates[0].code for spec in document.specifications] == ["ship", "ship"]
