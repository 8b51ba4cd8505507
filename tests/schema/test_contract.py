"""The schema contract (schema/contract.py): schema.graphql is the served schema, and a change
that breaks it is refused unless CHANGELOG.md acknowledges it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from graphql import parse, print_ast
from graphql.language import DefinitionNode, ObjectTypeDefinitionNode
from graphql.utilities import BreakingChangeType, DangerousChangeType

from schema import contract
from schema.contract import Baseline

SERVED = contract.served_sdl()
REMOVED = "- BREAKING FIELD_REMOVED: Field ServiceOrder.customer was removed."
NOTE = "  Renamed to `customerName`.\n"


def without_field(sdl: str, type_name: str, field_name: str) -> str:
    """A copy of `sdl` whose object type `type_name` lacks `field_name`."""
    document = parse(sdl)

    def edited(definition: DefinitionNode) -> DefinitionNode:
        if not (
            isinstance(definition, ObjectTypeDefinitionNode) and definition.name.value == type_name
        ):
            return definition
        kept = tuple(f for f in definition.fields or () if f.name.value != field_name)
        return replace(definition, fields=kept)

    definitions = tuple(edited(definition) for definition in document.definitions)
    return print_ast(replace(document, definitions=definitions)) + "\n"


WITHOUT_CUSTOMER = without_field(SERVED, "ServiceOrder", "customer")


def baseline(sdl: str | None = SERVED, changelog: str = "") -> Baseline:
    return Baseline("the test", sdl, changelog)


def test_the_committed_sdl_is_the_served_schema() -> None:
    committed = (contract.ROOT / contract.SDL_FILE).read_text()

    assert committed == SERVED, "schema.graphql is stale: run `make schema` and commit it"


def test_the_served_schema_breaks_the_previous_contract_only_where_acknowledged() -> None:
    previous = contract.read_baseline()
    changelog = (contract.ROOT / contract.CHANGELOG_FILE).read_text()

    verdict = contract.judge(previous, SERVED, changelog)

    contract.warn_dangerous(verdict.changes)
    missing = [contract.acknowledgement(change) for change in verdict.unacknowledged]
    assert missing == [], f"not acknowledged in CHANGELOG.md since {previous.source}: {missing}"


def test_removing_a_field_is_a_breaking_change_that_is_refused() -> None:
    verdict = contract.judge(baseline(), WITHOUT_CUSTOMER, "")

    assert [(c.type, c.description) for c in verdict.unacknowledged] == [
        (BreakingChangeType.FIELD_REMOVED, "Field ServiceOrder.customer was removed.")
    ]
    assert not verdict.accepted


def test_an_acknowledged_removal_is_accepted() -> None:
    changelog = f"## Unreleased\n\n{REMOVED}\n{NOTE}"

    verdict = contract.judge(baseline(), WITHOUT_CUSTOMER, changelog)

    assert verdict.accepted
    assert [c.description for c in verdict.changes.breaking] == [
        "Field ServiceOrder.customer was removed."
    ]


def test_an_acknowledgement_without_a_note_does_not_count() -> None:
    changelog = f"## Unreleased\n\n{REMOVED}\n\n- Something else.\n"

    verdict = contract.judge(baseline(), WITHOUT_CUSTOMER, changelog)

    assert not verdict.accepted


def test_an_acknowledgement_already_in_the_previous_changelog_does_not_count() -> None:
    old_changelog = f"## 0.1\n\n{REMOVED}\n{NOTE}"

    verdict = contract.judge(
        baseline(changelog=old_changelog),
        WITHOUT_CUSTOMER,
        old_changelog,
    )

    assert not verdict.accepted


def test_an_output_made_nullable_and_an_input_made_required_are_breaking() -> None:
    previous = "type Query { order(id: ID): String! }"
    changed = "type Query { order(id: ID!): String }"

    verdict = contract.judge(baseline(previous), changed, "")

    assert {c.type for c in verdict.unacknowledged} == (
        {BreakingChangeType.ARG_CHANGED_KIND, BreakingChangeType.FIELD_CHANGED_KIND}
    )


def test_adding_a_field_is_free() -> None:
    previous = WITHOUT_CUSTOMER

    verdict = contract.judge(baseline(previous), SERVED, "")

    assert verdict.accepted
    assert [c.description for c in verdict.changes.safe] == [
        "Field ServiceOrder.customer was added."
    ]


def test_a_dangerous_change_is_accepted_and_reported_as_a_warning() -> None:
    previous = "enum State { NEW }\ntype Query { state: State }"
    changed = "enum State { NEW DONE }\ntype Query { state: State }"

    verdict = contract.judge(baseline(previous), changed, "")

    assert verdict.accepted
    assert [c.type for c in verdict.changes.dangerous] == [DangerousChangeType.VALUE_ADDED_TO_ENUM]
    with pytest.warns(contract.DangerousSchemaChange, match=r"Enum value State.DONE was added."):
        contract.warn_dangerous(verdict.changes)


def test_make_schema_refuses_to_write_an_unacknowledged_break(tmp_path: Path) -> None:
    (tmp_path / contract.SDL_FILE).write_text(SERVED)

    result = contract.update(tmp_path, WITHOUT_CUSTOMER, baseline())

    assert result.status == 1
    assert (tmp_path / contract.SDL_FILE).read_text() == SERVED
    assert REMOVED in contract.report(result.verdict, baseline())


def test_make_schema_writes_an_acknowledged_break(tmp_path: Path) -> None:
    (tmp_path / contract.SDL_FILE).write_text(SERVED)
    (tmp_path / contract.CHANGELOG_FILE).write_text(f"## Unreleased\n\n{REMOVED}\n{NOTE}")

    result = contract.update(tmp_path, WITHOUT_CUSTOMER, baseline())

    assert (result.status, result.written) == (0, True)
    assert (tmp_path / contract.SDL_FILE).read_text() == WITHOUT_CUSTOMER


def test_make_schema_check_writes_nothing_and_fails_on_a_stale_file(tmp_path: Path) -> None:
    (tmp_path / contract.SDL_FILE).write_text(WITHOUT_CUSTOMER)

    result = contract.update(tmp_path, SERVED, baseline(WITHOUT_CUSTOMER), check=True)

    assert (result.status, result.written) == (1, False)
    assert (tmp_path / contract.SDL_FILE).read_text() == WITHOUT_CUSTOMER
