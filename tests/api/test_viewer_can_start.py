"""viewerCan.start says what startTask does: for every task of the demo orders still being
worked and every demo user, the flag is true exactly when the mutation succeeds."""

from __future__ import annotations

from typing import Any

from models import ServiceOrder, Task
from models.enums import TaskState
from services.seed.demo_orders import create_demo_orders
from services.tasks import reassign_task, start_task
from tests.api.graphql import Api, gid, pk_of
from tests.api.mutations.helpers import Users
from tests.services.task_plans import agent_for

USERNAMES = ("manager", "agent1", "agent2", "viewer", "partner", "admin")

START_FLAGS = """
query($id: ID!) {
  serviceOrder(id: $id) {
    lineItems { domainOrders { tasks { id state viewerCan { start } } } }
  }
}"""
START = """
mutation($input: StartTaskInput!) {
  startTask(input: $input) { task { id } userErrors { code } }
}"""


async def orders_being_worked(users: Users) -> list[ServiceOrder]:
    """The demo orders with tasks left, one of their READY tasks started and another assigned
    to agent2: tasks in every state a start can meet, owned by no one, an agent or the other."""
    orders = [o for o in await create_demo_orders(users) if 0 < o.tasks_done < o.tasks_total]
    ready = await Task.filter(service_order_id=orders[0].id, state=TaskState.READY)
    assert len(ready) >= 2, "the demo order in progress has READY tasks to work with"
    await start_task(await agent_for(ready[0], users), ready[0].id)
    await reassign_task(users["manager"], ready[1].id, users["agent2"].id, "Knows the site")
    return orders


async def start_flags(api: Api, username: str, order: ServiceOrder) -> dict[str, bool]:
    data = await api.data(username, START_FLAGS, {"id": gid("ServiceOrder", order.id)})
    domain_orders = [d for item in data["serviceOrder"]["lineItems"] for d in item["domainOrders"]]
    return {t["id"]: t["viewerCan"]["start"] for d in domain_orders for t in d["tasks"]}


async def starts(api: Api, username: str, task_id: str) -> bool:
    """Whether startTask succeeds; a task it starts is put back as it was, so that every
    user meets the same tasks (only the task's own row decides whether it can start)."""
    pk = pk_of(task_id)
    [before] = await Task.filter(id=pk).values()
    data = await api.data(username, START, {"input": {"taskId": task_id}})
    payload: dict[str, Any] = data["startTask"]
    if payload["userErrors"]:
        return False
    del before["id"]
    await Task.filter(id=pk).update(**before)
    return True


async def test_start_is_offered_exactly_when_start_task_succeeds(api: Api, users: Users) -> None:
    orders = await orders_being_worked(users)

    offered_to = set()
    for order in orders:
        for username in USERNAMES:
            flags = await start_flags(api, username, order)
            outcomes = {task_id: await starts(api, username, task_id) for task_id in flags}

            assert outcomes == flags, (order.external_id, username)
            if any(flags.values()):
                offered_to.add(username)
    assert offered_to == {"agent1", "agent2"}
