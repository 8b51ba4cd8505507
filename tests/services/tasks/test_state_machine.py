"""The task state machine as a table: every (state, operation) pair is legal or INVALID_STATE.

Each operation is tried by someone it is otherwise allowed for (the assignee, a manager), so
the only reason left to refuse it is the task's state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from models import Event, User
from models.enums import FalloutType, TaskState
from services.errors import InvalidStateError
from services.events.publisher import RecordingPublisher
from services.fallouts import create_fallout
from services.tasks import complete_task, reassign_task, start_task
from tests.services.task_plans import build_plan, put_task, snapshot

Operation = Callable[[dict[str, User], int], Awaitable[object]]


async def start(users: dict[str, User], task_id: int) -> object:
    return await start_task(users["agent1"], task_id)


async def complete(users: dict[str, User], task_id: int) -> object:
    return await complete_task(users["agent1"], task_id)


async def reassign(users: dict[str, User], task_id: int) -> object:
    return await reassign_task(users["manager"], task_id, users["agent2"].id, "rebalancing")


async def report_fallout(users: dict[str, User], task_id: int) -> object:
    return await create_fallout(users["agent1"], task_id, FalloutType.OTHER, "it broke")


OPERATIONS: dict[str, tuple[Operation, str]] = {
    "start": (start, "task.started"),
    "complete": (complete, "task.completed"),
    "reassign": (reassign, "task.reassigned"),
    "create_fallout": (report_fallout, "task.on_hold"),
}
S = TaskState
# (operation, state before) → state after; a pair not listed is INVALID_STATE.
LEGAL: dict[tuple[str, TaskState], TaskState] = {
    ("start", S.READY): S.IN_PROGRESS,
    ("complete", S.IN_PROGRESS): S.COMPLETED,
    ("reassign", S.PENDING): S.PENDING,
    ("reassign", S.READY): S.READY,
    ("reassign", S.IN_PROGRESS): S.IN_PROGRESS,
    ("reassign", S.ON_HOLD): S.ON_HOLD,
    ("create_fallout", S.PENDING): S.ON_HOLD,
    ("create_fallout", S.READY): S.ON_HOLD,
    ("create_fallout", S.IN_PROGRESS): S.ON_HOLD,
}
ALL_PAIRS = [(operation, state) for operation in OPERATIONS for state in TaskState]


@pytest.mark.parametrize(
    ("operation", "state"), [pair for pair in ALL_PAIRS if pair in LEGAL], ids=str
)
async def test_a_legal_transition_succeeds_with_its_event(
    users: dict[str, User], published: RecordingPublisher, operation: str, state: TaskState
) -> None:
    plan = await build_plan(users["partner"], {"item": {"do": {"a": []}}})
    await put_task(plan.task_ids["a"], state, assignee=users["agent1"])
    run, kind = OPERATIONS[operation]

    await run(users, plan.task_ids["a"])

    task = await plan.task("a")
    assert task.state is LEGAL[operation, state]
    event = await Event.get(kind=kind, entity_id=task.id)
    assert (event.previous_state, event.new_state) == (state.value, task.state.value)
    assert kind in [event.kind for event in published.published]


@pytest.mark.parametrize(
    ("operation", "state"), [pair for pair in ALL_PAIRS if pair not in LEGAL], ids=str
)
async def test_an_illegal_transition_is_invalid_state_and_changes_nothing(
    users: dict[str, User], published: RecordingPublisher, operation: str, state: TaskState
) -> None:
    plan = await build_plan(users["partner"], {"item": {"do": {"a": []}}})
    await put_task(plan.task_ids["a"], state, assignee=users["agent1"])
    before = await snapshot()
    run, _ = OPERATIONS[operation]

    with pytest.raises(InvalidStateError) as raised:
        await run(users, plan.task_ids["a"])

    assert raised.value.field == "taskId"
    assert await snapshot() == before
    assert published.published == []
