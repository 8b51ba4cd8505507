"""`point_of_no_return` and `compensated_by` on task templates: a compensator is a template of
the same specification that only compensates."""

from __future__ import annotations

import pytest

from services.catalog import load_catalog, validate_catalog_file
from tests.services.catalog.conftest import WriteCatalog

SPEC = """
assignment_groups:
  - name: logistics
specifications:
  - code: ONT_DEVICE
    name: ONT
    kind: RESOURCE
    domain: customer-premises
    task_templates:
{templates}
  - code: OTHER
    name: Other
    kind: RESOURCE
    domain: customer-premises
    task_templates:
      - {{code: recover, name: Recover elsewhere, assignment_group: logistics}}
"""


def catalog_with(write_catalog: WriteCatalog, *templates: str) -> list[str]:
    path = write_catalog(SPEC.format(templates="\n".join(f"      - {t}" for t in templates)))
    return [problem.split(": ", 1)[1] for problem in validate_catalog_file(path)]


def test_a_compensator_and_a_point_of_no_return_load(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        SPEC.format(
            templates="      - {code: ship, name: Ship, assignment_group: logistics, "
            "compensated_by: recover, point_of_no_return: false}\n"
            "      - {code: hand_over, name: Hand over, assignment_group: logistics, "
            "point_of_no_return: true, depends_on: [ship]}\n"
            "      - {code: recover, name: Recover, assignment_group: logistics}"
        )
    )

    document = load_catalog(path)

    ship, hand_over, _ = document.specifications[0].task_templates
    assert (ship.compensated_by, hand_over.point_of_no_return) == ("recover", True)


@pytest.mark.parametrize(
    ("templates", "problem"),
    [
        (
            ["{code: ship, name: Ship, assignment_group: logistics, compensated_by: nothing}"],
            "specification 'ONT_DEVICE': task template 'ship' is compensated by unknown "
            "template 'nothing' (a compensating template is of the same specification)",
        ),
        (
            ["{code: ship, name: Ship, assignment_group: logistics, compensated_by: ship}"],
            "specification 'ONT_DEVICE': task template 'ship' is compensated by itself",
        ),
        (
            [
                "{code: ship, name: Ship, assignment_group: logistics, compensated_by: recover}",
                "{code: recover, name: Recover, assignment_group: logistics, "
                "compensated_by: scrap}",
                "{code: scrap, name: Scrap, assignment_group: logistics}",
            ],
            "specification 'ONT_DEVICE': task template 'ship' is compensated by 'recover', "
            "which names a compensator itself (compensation is not compensated)",
        ),
        (
            [
                "{code: ship, name: Ship, assignment_group: logistics, compensated_by: recover}",
                "{code: recover, name: Recover, assignment_group: logistics, depends_on: [ship]}",
            ],
            "specification 'ONT_DEVICE': task template 'recover' only compensates and must not "
            "depend on other templates",
        ),
        (
            [
                "{code: ship, name: Ship, assignment_group: logistics, compensated_by: recover}",
                "{code: recover, name: Recover, assignment_group: logistics, "
                "point_of_no_return: true}",
            ],
            "specification 'ONT_DEVICE': task template 'recover' only compensates and cannot "
            "be a point of no return",
        ),
        (
            [
                "{code: ship, name: Ship, assignment_group: logistics, compensated_by: recover}",
                "{code: recover, name: Recover, assignment_group: logistics}",
                "{code: track, name: Track, assignment_group: logistics, depends_on: [recover]}",
            ],
            "specification 'ONT_DEVICE': task template 'track' depends on 'recover', which only "
            "compensates and is never planned",
        ),
    ],
    ids=["unknown", "itself", "chain", "compensator waits", "compensator PONR", "waits on one"],
)
def test_a_bad_compensation_is_refused(
    write_catalog: WriteCatalog, templates: list[str], problem: str
) -> None:
    assert catalog_with(write_catalog, *templates) == [problem]


def test_a_compensator_of_another_specification_is_unknown(write_catalog: WriteCatalog) -> None:
    # OTHER has a `recover`; ONT_DEVICE has none: compensation stays in its specification.
    problems = catalog_with(
        write_catalog,
        "{code: ship, name: Ship, assignment_group: logistics, compensated_by: recover}",
    )

    assert problems == [
        "specification 'ONT_DEVICE': task template 'ship' is compensated by unknown template "
        "'recover' (a compensating template is of the same specification)"
    ]


def test_a_point_of_no_return_is_a_boolean(write_catalog: WriteCatalog) -> None:
    problems = catalog_with(
        write_catalog,
        "{code: ship, name: Ship, assignment_group: logistics, point_of_no_return: 'yes'}",
    )

    assert len(problems) == 1 and "point_of_no_return" in problems[0]
