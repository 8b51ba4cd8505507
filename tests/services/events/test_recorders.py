"""One recorder per entity, declaring every kind; written events are held to the declarations.

The holding is `events_have_their_declared_shape` in tests/conftest.py, which checks every event
any test makes the services write; the last tests here show that it catches a declaration
that no longer describes what its recorder writes.
"""

from __future__ import annotations

import dataclasses

import pytest

from models import Event, User
from models.enums import TaskState
from services.events import recorders
from services.events.kinds import EntityType, EventKind
from services.events.recorders import RECORDERS, payload_problems, recorder_of
from services.tasks import start_task
from tests.api.mutations.helpers import ready_task


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_event_kind_has_exactly_one_recorder_of_its_entity(kind: EventKind) -> None:
    recorders = [recorder for recorder in RECORDERS if kind in recorder.kinds]

    assert [recorder.entity_type for recorder in recorders] == [kind.entity_type]


@pytest.mark.parametrize("entity_type", list(EntityType))
def test_every_entity_has_exactly_one_recorder(entity_type: EntityType) -> None:
    functions = [r.function.__name__ for r in RECORDERS if r.entity_type is entity_type]

    assert len(functions) == 1, functions


def test_a_payload_is_checked_for_missing_and_undeclared_keys() -> None:
    # given the declared shape of a rejection: number, version and reason
    payload = {"number": "SO0001001", "version": 2, "note": "no"}

    # when
    problems = payload_problems(EventKind.SERVICE_ORDER_REJECTED, payload)

    # then
    assert problems == [
        "service_order.rejected: missing 'reason'",
        "service_order.rejected: undeclared 'note'",
    ]


def test_an_unknown_kind_has_no_shape() -> None:
    assert payload_problems("task.noted", {}) == ["'task.noted' is no declared event kind"]


def _declare_task_common(monkeypatch: pytest.MonkeyPatch, common: tuple[str, ...]) -> None:
    task_recorder = recorder_of(EventKind.TASK_STARTED)
    declared = [
        dataclasses.replace(r, common=common) if r is task_recorder else r for r in RECORDERS
    ]
    monkeypatch.setattr(recorders, "RECORDERS", declared)


async def test_a_declaration_missing_a_written_field_fails_the_change(
    users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a task recorder whose declaration forgets the `attempts` it writes
    task, agent = await ready_task(users)
    common = recorder_of(EventKind.TASK_STARTED).common
    _declare_task_common(monkeypatch, tuple(key for key in common if key != "attempts"))

    # when the agent starts the task, then the change fails, and nothing is written
    with pytest.raises(AssertionError, match=r"task\.started: undeclared 'attempts'"):
        await start_task(agent, task.id)
    await task.refresh_from_db()
    assert task.state is TaskState.READY
    assert not await Event.filter(kind=EventKind.TASK_STARTED).exists()


async def test_a_declaration_naming_an_unwritten_field_fails_the_change(
    users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a task recorder whose declaration promises a field it never writes
    task, agent = await ready_task(users)
    _declare_task_common(monkeypatch, (*recorder_of(EventKind.TASK_STARTED).common, "dueAt"))

    # when the agent starts the task, then the change fails
    with pytest.raises(AssertionError, match=r"task\.started: missing 'dueAt'"):
        await start_task(agent, task.id)
