"""Reporting fallout puts the task on hold behind a numbered fallout record."""

from __future__ import annotations

import pytest

from models import Event, FalloutRecord, User
from models.enums import FalloutState, FalloutType, FulfillmentState, Priority, TaskState
from services.errors import ForbiddenError, InvalidStateError, ValidationError
from services.events.publisher import RecordingPublisher
from services.fallouts import create_fallout
from tests.services.task_plans import PlanShape, build_plan, put_task, snapshot

TWO_TASKS: PlanShape = {"item": {"do": {"a": [], "b": []}}}


async def test_an_agent_reports_fallout_on_their_task(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    plan = await build_plan(users["partner"], TWO_TASKS)
    await put_task(plan.task_ids["a"], TaskState.IN_PROGRESS, assignee=users["agent1"])

    fallout = await create_fallout(
        users["agent1"],
        plan.task_ids["a"],
        FalloutType.INVENTORY_ALLOCATION_FAILURE,
        " no free port on the OLT ",
        Priority.HIGH,
    )

    stored = await FalloutRecord.get(id=fallout.id)
    assert (stored.number, stored.state, stored.priority, stored.description) == (
        "FO0000001",
        FalloutState.OPEN,
        Priority.HIGH,
        "no free port on the OLT",
    )
    assert (stored.task_id, stored.service_order_id, stored.created_by_id) == (
        plan.task_ids["a"],
        plan.order_id,
        users["agent1"].id,
    )
    assert (await plan.task("a")).state is TaskState.ON_HOLD
    kinds = [e.kind for e in await Event.all()]
    assert kinds[:2] == ["fallout.created", "task.on_hold"]
    assert [e.kind for e in published.published] == kinds


async def test_fallout_numbers_follow_each_other(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], TWO_TASKS)

    first = await create_fallout(users["manager"], plan.task_ids["a"], FalloutType.OTHER, "x")
    second = await create_fallout(users["manager"], plan.task_ids["b"], FalloutType.OTHER, "y")

    assert (first.number, second.number) == ("FO0000001", "FO0000002")


async def test_a_manager_reports_fallout_on_any_task(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], TWO_TASKS)
    await put_task(plan.task_ids["a"], TaskState.IN_PROGRESS, assignee=users["agent2"])

    await create_fallout(users["manager"], plan.task_ids["a"], FalloutType.BILLING_ISSUE, "x")

    assert (await plan.task("a")).state is TaskState.ON_HOLD


async def test_fallout_on_a_pending_task_puts_the_plan_in_progress(
    users: dict[str, User],
) -> None:
    plan = await build_plan(users["partner"], {"item": {"do": {"a": [], "b": ["a"]}}})

    await create_fallout(users["manager"], plan.task_ids["b"], FalloutType.OTHER, "blocked")

    assert (await plan.task("b")).state is TaskState.ON_HOLD
    assert (await plan.domain_order("do")).state is FulfillmentState.IN_PROGRESS


async def test_an_agent_may_not_report_fallout_on_a_task_not_theirs(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    plan = await build_plan(users["partner"], TWO_TASKS)
    await put_task(plan.task_ids["a"], TaskState.IN_PROGRESS, assignee=users["agent2"])
    before = await snapshot()

    with pytest.raises(ForbiddenError):
        await create_fallout(users["agent1"], plan.task_ids["a"], FalloutType.OTHER, "x")

    assert await snapshot() == before
    assert published.published == []


@pytest.mark.parametrize("description", ["", "  \n "])
async def test_a_description_is_required(users: dict[str, User], description: str) -> None:
    plan = await build_plan(users["partner"], TWO_TASKS)
    before = await snapshot()

    with pytest.raises(ValidationError) as raised:
        await create_fallout(users["manager"], plan.task_ids["a"], FalloutType.OTHER, description)

    assert raised.value.field == "description"
    assert await snapshot() == before


async def test_a_second_fallout_on_a_task_on_hold_is_refused(users: dict[str, User]) -> None:
    # One open fallout per task: its resolution then decides the task's fate on its own.
    plan = await build_plan(users["partner"], TWO_TASKS)
    first = await create_fallout(users["manager"], plan.task_ids["a"], FalloutType.OTHER, "x")
    before = await snapshot()

    with pytest.raises(InvalidStateError) as raised:
        await create_fallout(users["manager"], plan.task_ids["a"], FalloutType.OTHER, "again")

    assert first.number in raised.value.message
    assert await snapshot() == before
