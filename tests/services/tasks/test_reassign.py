"""A manager reassigns a task to an agent, with a reason."""

from __future__ import annotations

import pytest

from models import Event, User
from models.enums import TaskState
from services.errors import ForbiddenError, NotFoundError, ValidationError
from services.tasks import reassign_task, start_task
from tests.services.task_plans import PlanShape, build_plan, put_task, snapshot

ONE_TASK: PlanShape = {"item": {"do": {"a": []}}}


async def test_a_manager_reassigns_a_task_with_a_reason(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)
    await put_task(plan.task_ids["a"], TaskState.IN_PROGRESS, assignee=users["agent1"])

    task = await reassign_task(
        users["manager"], plan.task_ids["a"], users["agent2"].id, "agent1 is on leave"
    )

    assert (task.assignee_id, task.state, task.version) == (
        users["agent2"].id,
        TaskState.IN_PROGRESS,
        2,
    )
    event = await Event.get(kind="task.reassigned")
    assert event.payload["previousAssigneeId"] == users["agent1"].id
    assert event.payload["assigneeId"] == users["agent2"].id
    assert event.payload["reason"] == "agent1 is on leave"
    assert event.actor_id == users["manager"].id


async def test_the_new_assignee_may_start_the_task(users: dict[str, User]) -> None:
    # billing is agent2's group only; the manager hands the task to agent1 anyway.
    plan = await build_plan(users["partner"], ONE_TASK, groups={"a": "billing"})
    await reassign_task(users["manager"], plan.task_ids["a"], users["agent1"].id, "cover")

    await start_task(users["agent1"], plan.task_ids["a"])

    assert (await plan.task("a")).assignee_id == users["agent1"].id


async def test_the_previous_assignee_may_no_longer_start_it(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)
    await put_task(plan.task_ids["a"], TaskState.READY, assignee=users["agent1"])
    await reassign_task(users["manager"], plan.task_ids["a"], users["agent2"].id, "swap")

    with pytest.raises(ForbiddenError):
        await start_task(users["agent1"], plan.task_ids["a"])


@pytest.mark.parametrize("reason", ["", "   "])
async def test_a_reason_is_required(users: dict[str, User], reason: str) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)
    before = await snapshot()

    with pytest.raises(ValidationError) as raised:
        await reassign_task(users["manager"], plan.task_ids["a"], users["agent2"].id, reason)

    assert raised.value.field == "reason"
    assert await snapshot() == before


@pytest.mark.parametrize("username", ["viewer", "manager", "admin"])
async def test_only_an_agent_can_be_the_assignee(users: dict[str, User], username: str) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)
    before = await snapshot()

    with pytest.raises(ValidationError) as raised:
        await reassign_task(users["manager"], plan.task_ids["a"], users[username].id, "why not")

    assert raised.value.field == "assigneeId"
    assert await snapshot() == before


async def test_an_unknown_assignee_is_not_found(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)

    with pytest.raises(NotFoundError) as raised:
        await reassign_task(users["manager"], plan.task_ids["a"], 4242, "nobody")

    assert raised.value.field == "assigneeId"


async def test_an_inactive_agent_is_not_found(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)
    users["agent2"].is_active = False
    await users["agent2"].save()
    before = await snapshot()

    with pytest.raises(NotFoundError) as raised:
        await reassign_task(users["manager"], plan.task_ids["a"], users["agent2"].id, "gone")

    assert raised.value.field == "assigneeId"
    assert await snapshot() == before
