"""Starting (claiming) a READY task."""

from __future__ import annotations

import pytest

from models import Event, User
from models.enums import FulfillmentState, TaskState
from services.errors import ConflictError, ForbiddenError, NotFoundError
from services.events.publisher import RecordingPublisher
from services.tasks import start_task
from tests.services.task_plans import PlanShape, build_plan, put_task, snapshot

ONE_TASK: PlanShape = {"item": {"do": {"a": []}}}


async def test_an_agent_claims_an_unassigned_ready_task_of_their_group(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)

    task = await start_task(users["agent1"], plan.task_ids["a"])

    stored = await plan.task("a")
    assert (stored.state, stored.assignee_id, stored.attempts, stored.version) == (
        TaskState.IN_PROGRESS,
        users["agent1"].id,
        1,
        2,
    )
    assert stored.started_at is not None
    assert task.version == stored.version
    started = await Event.get(kind="task.started")
    assert (started.entity_id, started.previous_state, started.new_state) == (
        task.id,
        "READY",
        "IN_PROGRESS",
    )
    assert started.actor_id == users["agent1"].id
    assert "task.started" in [event.kind for event in published.published]


async def test_an_agent_starts_a_ready_task_assigned_to_them(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], ONE_TASK, groups={"a": "billing"})
    await put_task(plan.task_ids["a"], TaskState.READY, assignee=users["agent1"])

    await start_task(users["agent1"], plan.task_ids["a"])

    assert (await plan.task("a")).state is TaskState.IN_PROGRESS


async def test_a_task_outside_the_agents_groups_is_forbidden(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    # agent1 does not work in billing.
    plan = await build_plan(users["partner"], ONE_TASK, groups={"a": "billing"})
    before = await snapshot()

    with pytest.raises(ForbiddenError):
        await start_task(users["agent1"], plan.task_ids["a"])

    assert await snapshot() == before
    assert published.published == []


async def test_a_task_assigned_to_another_agent_is_theirs(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)
    await put_task(plan.task_ids["a"], TaskState.READY, assignee=users["agent2"])
    before = await snapshot()

    with pytest.raises(ForbiddenError):
        await start_task(users["agent1"], plan.task_ids["a"])

    assert await snapshot() == before


async def test_a_stale_version_is_a_conflict(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)
    before = await snapshot()

    with pytest.raises(ConflictError) as raised:
        await start_task(users["agent1"], plan.task_ids["a"], expected_version=7)

    assert raised.value.field == "expectedVersion"
    assert await snapshot() == before


async def test_the_current_version_is_accepted(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)

    task = await start_task(users["agent1"], plan.task_ids["a"], expected_version=1)

    assert task.version == 2


async def test_an_unknown_task_is_not_found(users: dict[str, User]) -> None:
    with pytest.raises(NotFoundError) as raised:
        await start_task(users["agent1"], 4242)

    assert raised.value.field == "taskId"


async def test_the_first_start_moves_domain_order_and_line_item_in_progress(
    users: dict[str, User],
) -> None:
    plan = await build_plan(users["partner"], ONE_TASK)

    await start_task(users["agent1"], plan.task_ids["a"])

    assert (await plan.domain_order("do")).state is FulfillmentState.IN_PROGRESS
    assert (await plan.line_item("item")).state is FulfillmentState.IN_PROGRESS
    kinds = [event.kind for event in await Event.all()]
    assert kinds == ["task.started", "domain_order.state_changed", "line_item.state_changed"]
