"""Resolving a fallout decides what happens to its task: retry, complete or skip."""

from __future__ import annotations

import pytest

from models import Event, FalloutRecord, User
from models.enums import FalloutAction, FalloutState, FalloutType, TaskState
from services.errors import ForbiddenError, ValidationError
from services.events.publisher import RecordingPublisher
from services.fallouts import create_fallout, resolve_fallout
from services.tasks import start_task
from tests.services.task_plans import Plan, PlanShape, build_plan, put_task, snapshot

CHAIN: PlanShape = {"item": {"do": {"a": [], "b": ["a"]}}}


async def fallout_on(users: dict[str, User], plan: Plan, task: str) -> FalloutRecord:
    return await create_fallout(users["manager"], plan.task_ids[task], FalloutType.OTHER, "x")


async def test_resolving_records_the_action_and_the_note(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    fallout = await fallout_on(users, plan, "a")
    published.published.clear()

    resolved = await resolve_fallout(
        users["manager"], fallout.id, FalloutAction.RETRY_TASK, " port freed "
    )

    stored = await FalloutRecord.get(id=resolved.id)
    assert (stored.state, stored.resolution_action, stored.resolution_note) == (
        FalloutState.RESOLVED,
        FalloutAction.RETRY_TASK,
        "port freed",
    )
    assert (stored.resolved_by_id, stored.version) == (users["manager"].id, 2)
    assert stored.resolved_at is not None
    assert [e.kind for e in published.published][:2] == ["fallout.resolved", "task.retried"]


async def test_retry_readies_the_task_and_counts_the_attempt_on_the_next_start(
    users: dict[str, User],
) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    await start_task(users["agent1"], plan.task_ids["a"])
    fallout = await create_fallout(users["agent1"], plan.task_ids["a"], FalloutType.OTHER, "x")

    await resolve_fallout(users["manager"], fallout.id, FalloutAction.RETRY_TASK, "try again")

    task = await plan.task("a")
    assert (task.state, task.attempts, task.assignee_id) == (
        TaskState.READY,
        1,
        users["agent1"].id,
    )
    await start_task(users["agent1"], plan.task_ids["a"])
    assert (await plan.task("a")).attempts == 2


async def test_retry_of_a_task_whose_predecessors_are_not_done_makes_it_wait(
    users: dict[str, User],
) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    fallout = await fallout_on(users, plan, "b")

    await resolve_fallout(users["manager"], fallout.id, FalloutAction.RETRY_TASK, "later")

    assert (await plan.task("b")).state is TaskState.PENDING
    retried = await Event.get(kind="task.retried")
    assert (retried.previous_state, retried.new_state) == ("ON_HOLD", "PENDING")


async def test_complete_task_completes_it_and_readies_its_dependents(
    users: dict[str, User],
) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    fallout = await fallout_on(users, plan, "a")

    await resolve_fallout(users["manager"], fallout.id, FalloutAction.COMPLETE_TASK, "done by hand")

    assert (await plan.task("a")).state is TaskState.COMPLETED
    assert (await plan.task("b")).state is TaskState.READY
    assert await Event.filter(kind="task.completed").count() == 1


async def test_skip_task_skips_it_and_readies_its_dependents(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    fallout = await fallout_on(users, plan, "a")

    await resolve_fallout(users["manager"], fallout.id, FalloutAction.SKIP_TASK, "not needed")

    assert (await plan.task("a")).state is TaskState.SKIPPED
    assert (await plan.task("b")).state is TaskState.READY
    skipped = await Event.get(kind="task.skipped")
    assert skipped.payload["falloutNumber"] == fallout.number


@pytest.mark.parametrize("note", ["", " "])
async def test_a_note_is_required(users: dict[str, User], note: str) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    fallout = await fallout_on(users, plan, "a")
    before = await snapshot()

    with pytest.raises(ValidationError) as raised:
        await resolve_fallout(users["manager"], fallout.id, FalloutAction.SKIP_TASK, note)

    assert raised.value.field == "note"
    assert await snapshot() == before


async def test_an_agent_may_not_resolve_even_their_own_fallout(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    await put_task(plan.task_ids["a"], TaskState.IN_PROGRESS, assignee=users["agent1"])
    fallout = await create_fallout(users["agent1"], plan.task_ids["a"], FalloutType.OTHER, "x")
    before = await snapshot()

    with pytest.raises(ForbiddenError):
        await resolve_fallout(users["agent1"], fallout.id, FalloutAction.SKIP_TASK, "meh")

    assert await snapshot() == before


async def test_a_new_fallout_may_be_reported_once_the_last_is_resolved(
    users: dict[str, User],
) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    first = await fallout_on(users, plan, "a")
    await resolve_fallout(users["manager"], first.id, FalloutAction.RETRY_TASK, "again")

    second = await fallout_on(users, plan, "a")

    assert second.number != first.number
    assert (await plan.task("a")).state is TaskState.ON_HOLD
