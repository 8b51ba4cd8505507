"""Automated templates: a handler and a sound retry policy, and no policy on a manual one."""

from __future__ import annotations

import pytest

from models import TaskTemplate
from models.enums import TaskKind
from services.catalog import CatalogDocument, install_catalog, load_catalog, validate_catalog_file
from services.catalog.format import TaskTemplateEntry
from tests.services.catalog.conftest import WriteCatalog

CATALOG = """
assignment_groups:
  - name: provisioning
specifications:
  - code: IPV6_RFS
    name: IPv6 prefix
    kind: RESOURCE_FACING_SERVICE
    domain: ip-network
    task_templates:
      - code: allocate
        name: Allocate
        assignment_group: provisioning
{fields}
"""


def with_fields(*lines: str) -> str:
    return CATALOG.format(fields="\n".join(f"        {line}" for line in lines))


def problems(write_catalog: WriteCatalog, *lines: str) -> list[str]:
    path = write_catalog(with_fields(*lines))
    prefix = f"{path}: specification 'IPV6_RFS': task template 'allocate': "
    return [problem.removeprefix(prefix) for problem in validate_catalog_file(path)]


def test_an_automated_template_takes_the_default_policy(write_catalog: WriteCatalog) -> None:
    path = write_catalog(with_fields("kind: AUTOMATED", "handler: inventory.allocate_ipv6"))

    [spec] = load_catalog(path).specifications
    [template] = spec.task_templates

    policy = template.retry_policy()
    assert (template.kind, template.handler) == (TaskKind.AUTOMATED, "inventory.allocate_ipv6")
    assert (policy.max_attempts, policy.backoff_seconds, policy.backoff_max_seconds) == (
        3,
        30,
        600,
    )
    assert policy.lock_seconds == 300


def test_a_template_is_manual_unless_it_says_otherwise(write_catalog: WriteCatalog) -> None:
    [spec] = load_catalog(write_catalog(with_fields())).specifications

    assert spec.task_templates[0].kind is TaskKind.MANUAL


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ("kind: AUTOMATED",),
            "an AUTOMATED template names the handler that works it (handler: ...)",
        ),
        (
            ("handler: inventory.allocate_ipv6", "max_attempts: 2"),
            "handler, max_attempts apply only to an AUTOMATED template (add kind: AUTOMATED, "
            "or remove them)",
        ),
        (
            ("kind: AUTOMATED", "handler: h", "backoff_seconds: 60", "backoff_max_seconds: 30"),
            "backoff_max_seconds (30) is below backoff_seconds (60): the cap must allow the "
            "first delay",
        ),
        (
            ("kind: AUTOMATED", "handler: h", "max_attempts: 1000"),
            "max_attempts must be between 1 and 100 (got 1000)",
        ),
        (
            ("kind: AUTOMATED", "handler: h", "lock_seconds: 86401"),
            "lock_seconds must be between 1 and 86400 (got 86401)",
        ),
    ],
    ids=["no handler", "policy on manual", "cap below backoff", "attempts", "lock"],
)
def test_a_bad_automation_policy_is_refused(
    write_catalog: WriteCatalog, lines: tuple[str, ...], expected: str
) -> None:
    assert problems(write_catalog, *lines) == [expected]


@pytest.mark.parametrize("line", ["max_attempts: 0", "backoff_seconds: -5", "lock_seconds: x"])
def test_a_policy_value_that_is_no_positive_integer_is_refused(
    write_catalog: WriteCatalog, line: str
) -> None:
    found = problems(write_catalog, "kind: AUTOMATED", "handler: h", line)

    assert len(found) == 1
    assert found[0].startswith(f"field '{line.split(':')[0]}'")


def test_the_backoff_doubles_after_each_failure_up_to_its_cap() -> None:
    entry = TaskTemplateEntry(
        code="t",
        name="T",
        assignment_group="g",
        kind=TaskKind.AUTOMATED,
        handler="h",
        backoff_seconds=30,
        backoff_max_seconds=100,
    )
    policy = entry.retry_policy()

    waits = [policy.delay_after(n).total_seconds() for n in range(1, 6)]

    assert waits == [30, 60, 100, 100, 100]


async def test_install_writes_the_policy_on_the_template(
    db: str, write_catalog: WriteCatalog
) -> None:
    document: CatalogDocument = load_catalog(
        write_catalog(with_fields("kind: AUTOMATED", "handler: h", "max_attempts: 5"))
    )

    await install_catalog(document)

    template = await TaskTemplate.get(code="allocate")
    assert (template.kind, template.handler, template.max_attempts, template.lock_seconds) == (
        TaskKind.AUTOMATED,
        "h",
        5,
        300,
    )
