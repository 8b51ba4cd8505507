"""The other client for the lifecycle tests: what they read of a plan (points of no return,
compensation, the installed base) and the agents' work, through the public GraphQL API."""

from __future__ import annotations

from typing import Any

from tests.ui.api import COMPLETE, START, Api, tasks_of

AGENT1_GROUPS = {"field-operations", "logistics", "network-engineering"}

LIFECYCLE_PLAN = """
query ($id: ID!) {
  serviceOrder(id: $id) {
    id number state revision version
    lineItems {
      id action state pointOfNoReturnReachedAt
      specification { code }
      domainOrders {
        id
        tasks {
          id number name state isPointOfNoReturn
          compensates { id }
          assignmentGroup { name }
        }
      }
    }
  }
}"""

ORDERS_WITH_ACTION = """
query ($action: LineItemAction!) {
  serviceOrders(filter: {action: $action}, first: 50) {
    edges { node { id number state lineItems { id action } } }
  }
}"""


async def lifecycle_plan(api: Api, order_id: str) -> Any:
    data = await api.run("manager", LIFECYCLE_PLAN, {"id": order_id})
    return data["serviceOrder"]


def agent_for(task: Any) -> str:
    """A demo agent of the task's group (agent1 and agent2 cover every group between them)."""
    return "agent1" if task["assignmentGroup"]["name"] in AGENT1_GROUPS else "agent2"


async def work(api: Api, task: Any) -> None:
    """An agent of the task's group starts and completes it."""
    agent = agent_for(task)
    await api.mutate(agent, START, "startTask", taskId=task["id"])
    await api.mutate(agent, COMPLETE, "completeTask", taskId=task["id"])


async def work_compensations(api: Api, order_id: str) -> int:
    """Complete every compensating task of the order, in the order they become READY."""
    done = 0
    while True:
        plan = await lifecycle_plan(api, order_id)
        ready = [t for t in tasks_of(plan) if t["compensates"] and t["state"] == "READY"]
        if not ready:
            return done
        for task in ready:
            await work(api, task)
            done += 1


async def orders_with_action(api: Api, action: str) -> list[Any]:
    data = await api.run("manager", ORDERS_WITH_ACTION, {"action": action})
    return [edge["node"] for edge in data["serviceOrders"]["edges"]]
