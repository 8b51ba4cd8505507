"""Task templates name declared groups and depend on their own spec's templates, acyclically."""

from __future__ import annotations

import pytest

from services.catalog import CatalogError, load_catalog
from tests.services.catalog.conftest import WriteCatalog


def test_a_dependency_on_an_unknown_template_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        assignment_groups:
          - name: field-operations
        specifications:
          - code: FTTH_CFS
            name: FTTH access
            kind: CUSTOMER_FACING_SERVICE
            domain: fixed-access
            task_templates:
              - code: install
                name: Install
                assignment_group: field-operations
                depends_on: [survey]
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert str(refused.value) == (
        f"{path}: specification 'FTTH_CFS': task template 'install' depends on unknown "
        "template 'survey'"
    )


def test_a_dependency_on_a_template_of_another_specification_is_refused(
    write_catalog: WriteCatalog,
) -> None:
    path = write_catalog(
        """
        assignment_groups:
          - name: field-operations
        specifications:
          - code: FTTH_CFS
            name: FTTH access
            kind: CUSTOMER_FACING_SERVICE
            domain: fixed-access
            relationships:
              - {type: REALIZED_AS, target: GPON_RFS}
            task_templates:
              - {code: install, name: Install, assignment_group: field-operations,
                 depends_on: [survey]}
          - code: GPON_RFS
            name: GPON
            kind: RESOURCE_FACING_SERVICE
            domain: access
            task_templates:
              - {code: survey, name: Survey, assignment_group: field-operations}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'FTTH_CFS': task template 'install' depends on unknown "
        "template 'survey'"
    ]


def test_a_template_in_an_undeclared_group_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        assignment_groups:
          - name: field-operations
        specifications:
          - code: FTTH_CFS
            name: FTTH access
            kind: CUSTOMER_FACING_SERVICE
            domain: fixed-access
            task_templates:
              - {code: install, name: Install, assignment_group: field-ops}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'FTTH_CFS': task template 'install' names unknown "
        "assignment group 'field-ops'"
    ]


def test_a_cycle_of_template_dependencies_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        assignment_groups:
          - name: field-operations
        specifications:
          - code: FTTH_CFS
            name: FTTH access
            kind: CUSTOMER_FACING_SERVICE
            domain: fixed-access
            task_templates:
              - {code: survey, name: Survey, assignment_group: field-operations,
                 depends_on: [test]}
              - {code: install, name: Install, assignment_group: field-operations,
                 depends_on: [survey]}
              - {code: test, name: Test, assignment_group: field-operations,
                 depends_on: [install]}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'FTTH_CFS': task templates depend on each other in a cycle: "
        "survey → test → install → survey"
    ]


def test_a_template_depending_on_itself_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        assignment_groups:
          - name: field-operations
        specifications:
          - code: FTTH_CFS
            name: FTTH access
            kind: CUSTOMER_FACING_SERVICE
            domain: fixed-access
            task_templates:
              - {code: install, name: Install, assignment_group: field-operations,
                 depends_on: [install]}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'FTTH_CFS': task templates depend on each other in a cycle: "
        "install → install"
    ]


def test_a_dependency_listed_twice_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        assignment_groups:
          - name: field-operations
        specifications:
          - code: FTTH_CFS
            name: FTTH access
            kind: CUSTOMER_FACING_SERVICE
            domain: fixed-access
            task_templates:
              - {code: survey, name: Survey, assignment_group: field-operations}
              - {code: install, name: Install, assignment_group: field-operations,
                 depends_on: [survey, survey]}
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: specification 'FTTH_CFS': task template 'install' depends on 'survey' twice"
    ]
