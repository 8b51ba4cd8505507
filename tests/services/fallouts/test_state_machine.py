"""The fallout state machine as a table: every (state, operation) pair is legal or INVALID_STATE.

The fallout is put in each state directly, its task kept ON_HOLD as an open fallout keeps it,
and every operation is tried by a manager, so only the fallout's state can refuse it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from models import Event, FalloutRecord, User
from models.enums import FalloutAction, FalloutState, FalloutType, TaskState
from services.errors import InvalidStateError
from services.events.publisher import RecordingPublisher
from services.fallouts import create_fallout, reassign_fallout, resolve_fallout
from tests.services.task_plans import build_plan, snapshot

Operation = Callable[[dict[str, User], int], Awaitable[object]]


async def reassign(users: dict[str, User], fallout_id: int) -> object:
    return await reassign_fallout(users["manager"], fallout_id, users["agent2"].id)


def resolve(action: FalloutAction) -> Operation:
    async def run(users: dict[str, User], fallout_id: int) -> object:
        return await resolve_fallout(users["manager"], fallout_id, action, "handled")

    return run


OPERATIONS: dict[str, tuple[Operation, str]] = {
    "reassign": (reassign, "fallout.reassigned"),
    **{
        f"resolve_{action.value.lower()}": (resolve(action), "fallout.resolved")
        for action in FalloutAction
    },
}
F = FalloutState
LEGAL: dict[tuple[str, FalloutState], FalloutState] = {
    **{("reassign", state): F.IN_PROGRESS for state in (F.OPEN, F.IN_PROGRESS)},
    **{
        (operation, state): F.RESOLVED
        for operation in OPERATIONS
        if operation.startswith("resolve")
        for state in (F.OPEN, F.IN_PROGRESS)
    },
}
ALL_PAIRS = [(operation, state) for operation in OPERATIONS for state in FalloutState]
# What each resolution does to the task.
TASK_AFTER = {
    "resolve_retry_task": TaskState.READY,
    "resolve_complete_task": TaskState.COMPLETED,
    "resolve_skip_task": TaskState.SKIPPED,
    # Its line item failed: the task's work is cancelled with the item's.
    "resolve_fail_line_item": TaskState.CANCELLED,
    "reassign": TaskState.ON_HOLD,
}


async def fallout_in(users: dict[str, User], state: FalloutState) -> FalloutRecord:
    plan = await build_plan(users["partner"], {"item": {"do": {"a": []}}})
    fallout = await create_fallout(users["manager"], plan.task_ids["a"], FalloutType.OTHER, "x")
    fallout.state = state
    await fallout.save()
    return fallout


@pytest.mark.parametrize(
    ("operation", "state"), [pair for pair in ALL_PAIRS if pair in LEGAL], ids=str
)
async def test_a_legal_transition_succeeds_with_its_events(
    users: dict[str, User], published: RecordingPublisher, operation: str, state: FalloutState
) -> None:
    fallout = await fallout_in(users, state)
    published.published.clear()
    run, kind = OPERATIONS[operation]

    await run(users, fallout.id)

    stored = await FalloutRecord.get(id=fallout.id).prefetch_related("task")
    assert stored.state is LEGAL[operation, state]
    assert stored.task.state is TASK_AFTER[operation]
    event = await Event.get(kind=kind, entity_id=fallout.id)
    assert (event.previous_state, event.new_state) == (state.value, stored.state.value)
    assert kind in [event.kind for event in published.published]


@pytest.mark.parametrize(
    ("operation", "state"), [pair for pair in ALL_PAIRS if pair not in LEGAL], ids=str
)
async def test_an_illegal_transition_is_invalid_state_and_changes_nothing(
    users: dict[str, User], published: RecordingPublisher, operation: str, state: FalloutState
) -> None:
    fallout = await fallout_in(users, state)
    published.published.clear()
    before = await snapshot()
    run, _ = OPERATIONS[operation]

    with pytest.raises(InvalidStateError) as raised:
        await run(users, fallout.id)

    assert raised.value.field == "falloutId"
    assert await snapshot() == before
    assert published.published == []
