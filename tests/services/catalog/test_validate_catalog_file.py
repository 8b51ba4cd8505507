"""The check for editors lists every problem and never raises for a bad catalog."""

from __future__ import annotations

from services.catalog import validate_catalog_file
from tests.services.catalog.conftest import WriteCatalog


def test_a_bad_catalog_yields_its_problems_instead_of_raising(
    write_catalog: WriteCatalog,
) -> None:
    path = write_catalog(
        """
        specifications:
          - code: BROADBAND
            name: Broadband
            kind: PRODUCT
            domain: residential
            relationships:
              - {type: REQUIRES, target: ONT}
              - {type: REQUIRES, target: SIM}
        """
    )

    problems = validate_catalog_file(path)

    assert problems == [
        f"{path}: specification 'BROADBAND': relationship REQUIRES to unknown specification 'ONT'",
        f"{path}: specification 'BROADBAND': relationship REQUIRES to unknown specification 'SIM'",
    ]


def test_a_good_catalog_yields_no_problems(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - {code: ONT, name: ONT, kind: RESOURCE, domain: cpe}
        """
    )

    assert validate_catalog_file(path) == []
