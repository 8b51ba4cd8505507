"""Reassigning a fallout hands the fallout and its task to one agent."""

from __future__ import annotations

import pytest

from models import Event, FalloutRecord, User
from models.enums import FalloutAction, FalloutState, FalloutType, TaskState
from services.errors import ValidationError
from services.fallouts import create_fallout, reassign_fallout, resolve_fallout
from services.tasks import start_task
from tests.services.task_plans import Plan, build_plan, put_task, snapshot


async def plan_with_fallout(users: dict[str, User]) -> tuple[Plan, FalloutRecord]:
    plan = await build_plan(users["partner"], {"item": {"do": {"a": []}}})
    await put_task(plan.task_ids["a"], TaskState.IN_PROGRESS, assignee=users["agent1"])
    fallout = await create_fallout(users["agent1"], plan.task_ids["a"], FalloutType.OTHER, "x")
    return plan, fallout


async def test_the_fallout_and_its_task_go_to_the_agent(users: dict[str, User]) -> None:
    plan, fallout = await plan_with_fallout(users)

    reassigned = await reassign_fallout(
        users["manager"], fallout.id, users["agent2"].id, "you know this OLT"
    )

    assert (reassigned.state, reassigned.assignee_id, reassigned.version) == (
        FalloutState.IN_PROGRESS,
        users["agent2"].id,
        2,
    )
    task = await plan.task("a")
    assert (task.assignee_id, task.state) == (users["agent2"].id, TaskState.ON_HOLD)
    fallout_event = await Event.get(kind="fallout.reassigned")
    assert (fallout_event.previous_state, fallout_event.new_state) == ("OPEN", "IN_PROGRESS")
    assert fallout_event.payload["note"] == "you know this OLT"
    task_event = await Event.get(kind="task.reassigned")
    assert task_event.payload["previousAssigneeId"] == users["agent1"].id
    assert task_event.payload["reason"] == "you know this OLT"


async def test_a_fallout_in_progress_can_be_passed_on(users: dict[str, User]) -> None:
    plan, fallout = await plan_with_fallout(users)
    await reassign_fallout(users["manager"], fallout.id, users["agent2"].id)

    again = await reassign_fallout(users["manager"], fallout.id, users["agent1"].id)

    assert (again.state, again.assignee_id) == (FalloutState.IN_PROGRESS, users["agent1"].id)
    assert (await plan.task("a")).assignee_id == users["agent1"].id


async def test_when_the_task_is_already_the_agents_only_the_fallout_changes(
    users: dict[str, User],
) -> None:
    _, fallout = await plan_with_fallout(users)

    await reassign_fallout(users["manager"], fallout.id, users["agent1"].id)

    kinds = [e.kind for e in await Event.filter(kind__endswith="reassigned")]
    assert kinds == ["fallout.reassigned"]


async def test_the_assignee_must_be_an_agent(users: dict[str, User]) -> None:
    _, fallout = await plan_with_fallout(users)
    before = await snapshot()

    with pytest.raises(ValidationError) as raised:
        await reassign_fallout(users["manager"], fallout.id, users["viewer"].id)

    assert raised.value.field == "assigneeId"
    assert await snapshot() == before


async def test_the_new_assignee_may_start_the_retried_task(users: dict[str, User]) -> None:
    plan, fallout = await plan_with_fallout(users)
    await reassign_fallout(users["manager"], fallout.id, users["agent2"].id)
    await resolve_fallout(users["manager"], fallout.id, FalloutAction.RETRY_TASK, "port freed")

    await start_task(users["agent2"], plan.task_ids["a"])

    assert (await plan.task("a")).state is TaskState.IN_PROGRESS
