"""The assignee completes a task; its dependents become READY once all they wait for is done."""

from __future__ import annotations

import pytest

from models import Event, User
from models.enums import TaskState
from services.errors import ForbiddenError
from services.events.publisher import RecordingPublisher
from services.tasks import complete_task, start_task
from tests.services.task_plans import PlanShape, build_plan, put_task, snapshot

CHAIN: PlanShape = {"item": {"do": {"a": [], "b": ["a"]}}}
JOIN: PlanShape = {"item": {"do": {"a": [], "b": [], "c": ["a", "b"]}}}


async def test_the_assignee_completes_their_task(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    await start_task(users["agent1"], plan.task_ids["a"])

    await complete_task(users["agent1"], plan.task_ids["a"], note="  patched  ")

    task = await plan.task("a")
    assert (task.state, task.version) == (TaskState.COMPLETED, 3)
    assert task.completed_at is not None
    completed = await Event.get(kind="task.completed")
    assert completed.payload["note"] == "patched"
    assert "task.completed" in [event.kind for event in published.published]


async def test_completing_the_only_predecessor_readies_the_dependent(
    users: dict[str, User],
) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    await start_task(users["agent1"], plan.task_ids["a"])

    await complete_task(users["agent1"], plan.task_ids["a"])

    dependent = await plan.task("b")
    assert (dependent.state, dependent.version) == (TaskState.READY, 2)
    ready = await Event.get(kind="task.ready")
    assert (ready.entity_id, ready.previous_state, ready.new_state) == (
        dependent.id,
        "PENDING",
        "READY",
    )


async def test_a_dependent_waits_for_every_predecessor(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], JOIN)
    await start_task(users["agent1"], plan.task_ids["a"])

    await complete_task(users["agent1"], plan.task_ids["a"])

    assert (await plan.task("c")).state is TaskState.PENDING
    assert not await Event.filter(kind="task.ready").exists()


async def test_the_last_predecessor_readies_the_dependent(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], JOIN)
    for name in ("a", "b"):
        await start_task(users["agent1"], plan.task_ids[name])
    await complete_task(users["agent1"], plan.task_ids["a"])

    await complete_task(users["agent1"], plan.task_ids["b"])

    assert (await plan.task("c")).state is TaskState.READY


async def test_a_predecessor_on_hold_leaves_the_dependent_pending(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], JOIN)
    await put_task(plan.task_ids["b"], TaskState.ON_HOLD, assignee=users["agent2"])
    await start_task(users["agent1"], plan.task_ids["a"])

    await complete_task(users["agent1"], plan.task_ids["a"])

    assert (await plan.task("c")).state is TaskState.PENDING


async def test_someone_else_than_the_assignee_may_not_complete(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    plan = await build_plan(users["partner"], CHAIN)
    await start_task(users["agent1"], plan.task_ids["a"])
    published.published.clear()
    before = await snapshot()

    with pytest.raises(ForbiddenError):
        await complete_task(users["agent2"], plan.task_ids["a"])

    assert await snapshot() == before
    assert published.published == []
