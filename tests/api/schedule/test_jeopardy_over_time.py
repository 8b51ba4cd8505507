"""Through the API with the test clock: work done late moves the expected completion and
raises jeopardy."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, succeeded
from tests.api.plan_work import start
from tests.fake_clock import FakeClock
from tests.services.schedule.orders import (
    fibre_order,
    first_critical_task,
    order_jeopardy_events,
)
from tests.services.task_plans import agent_for

ORDER = """
query Order($id: ID!) {
  serviceOrder(id: $id) { expectedCompletionAt jeopardy jeopardyReason }
}"""
COMPLETE = """
mutation Complete($taskId: ID!) {
  completeTask(input: {taskId: $taskId}) {
    task { state plannedEndAt jeopardy } userErrors { code message field }
  }
}"""


async def order_of(api: Api, order_id: int) -> dict[str, Any]:
    data = await api.data("manager", ORDER, {"id": gid("ServiceOrder", order_id)})
    order: dict[str, Any] = data["serviceOrder"]
    return order


async def test_completing_a_task_late_moves_the_expected_completion_and_raises_jeopardy(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given an order requested 25 h after its expected completion, its first task started
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=25))
    task = await first_critical_task(order)
    await start(api, users, gid("Task", task.id))
    before = await order_of(api, order.id)
    assert before["jeopardy"] == "NONE"

    # when the task is completed 26 h after its planned end
    clock.advance(minutes=task.expected_duration_minutes, hours=26)
    agent = await agent_for(await task.__class__.get(id=task.id), users)
    data = await api.data(agent.username, COMPLETE, {"taskId": gid("Task", task.id)})

    # then the order is expected 26 h later, an hour after its requested date: LATE
    completed = succeeded(data["completeTask"], "task")
    assert datetime.fromisoformat(completed["plannedEndAt"]) == clock.now()
    after = await order_of(api, order.id)
    moved = datetime.fromisoformat(after["expectedCompletionAt"]) - datetime.fromisoformat(
        before["expectedCompletionAt"]
    )
    assert moved == timedelta(hours=26)
    assert after["jeopardy"] == "LATE"
    assert after["jeopardyReason"].endswith(
        f"is 1 h after the requested {order.requested_completion_date:%Y-%m-%d}"
    )
    assert await order_jeopardy_events(order.id) == ["LATE"]


async def test_completing_a_task_early_moves_the_expected_completion_earlier(
    api: Api, users: Users, clock: FakeClock
) -> None:
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=20))
    task = await first_critical_task(order)
    await start(api, users, gid("Task", task.id))
    before = await order_of(api, order.id)
    assert before["jeopardy"] == "AT_RISK"

    clock.advance(minutes=task.expected_duration_minutes - 600)
    agent = await agent_for(await task.__class__.get(id=task.id), users)
    await api.data(agent.username, COMPLETE, {"taskId": gid("Task", task.id)})

    after = await order_of(api, order.id)
    moved = datetime.fromisoformat(before["expectedCompletionAt"]) - datetime.fromisoformat(
        after["expectedCompletionAt"]
    )
    assert moved == timedelta(minutes=600)
    assert after["jeopardy"] == "NONE"
