"""A line item that fails reaches the dashboards live: the decision and the states that follow
on `serviceOrderChanged`, and the cancelled task on its assignee's `taskChanged`."""

from __future__ import annotations

from models import User
from models.enums import FalloutAction, FalloutType
from services.fallouts import create_fallout, resolve_fallout
from services.tasks import start_task
from tests.services.orders.plan_work import task_by_code
from tests.services.task_plans import agent_for, approved_order
from tests.subscriptions.live_server import LiveServer

ORDER_CHANGED = """subscription($id: ID) {
  serviceOrderChanged(serviceOrderId: $id) { kind entityType newState payload }
}"""
TASK_CHANGED = """subscription($filter: TaskEventFilter) {
  taskChanged(filter: $filter) { kind task { name state } }
}"""


async def test_a_dashboard_and_the_assignee_see_the_item_fail(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given a mobile line whose SIM allocation an agent reported as stuck, followed by a
    # viewer's dashboard and by the agent's own task list
    order = await approved_order(users, "MOBILE_LINE")
    task = await task_by_code(order.id, "allocate_sim")
    agent = await agent_for(task, users)
    await start_task(agent, task.id)
    fallout = await create_fallout(agent, task.id, FalloutType.PROVISIONING_FAILURE, "No stock")
    dashboard = await server.client("viewer")
    await dashboard.subscribe_and_wait("1", ORDER_CHANGED, {"id": None})
    mine = await server.client(agent.username)
    await mine.subscribe_and_wait("2", TASK_CHANGED, {"filter": {"assigneeId": "me"}})

    # when the manager resolves the fallout: the line item fails
    await resolve_fallout(
        users["manager"], fallout.id, FalloutAction.FAIL_LINE_ITEM, "SIM range withdrawn"
    )

    # then the dashboard gets the decision, the item's FAILED and the order's FAILED, in order
    seen: list[tuple[str, str | None]] = []
    reason = None
    while ("service_order.state_changed", "FAILED") not in seen:
        event = (await dashboard.receive())["payload"]["data"]["serviceOrderChanged"]
        if event["kind"] == "line_item.failed":
            reason = event["payload"]["reason"]
        if event["entityType"] in {"line_item", "service_order"}:
            seen.append((event["kind"], event["newState"]))
    assert seen == [
        ("line_item.failed", "IN_PROGRESS"),
        ("line_item.state_changed", "FAILED"),
        ("service_order.state_changed", "FAILED"),
    ]
    assert reason == "SIM range withdrawn"
    # and the agent is told their task is off
    told = (await mine.receive())["payload"]["data"]["taskChanged"]
    assert told == {
        "kind": "task.cancelled",
        "task": {"name": task.name, "state": "CANCELLED"},
    }
    await dashboard.close()
    await mine.close()
