"""The other client for the lifecycle tests: what they read of a plan (points of no return,
compensation, the installed base) and the agents' work, through the public GraphQL API."""

from __future__ import annotations

import uuid
from typing import Any

from tests.ui.api import COMPLETE, START, SUBMIT, Api, tasks_of

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
          id number name state kind handler isPointOfNoReturn
          compensates { id }
          assignmentGroup { name }
        }
      }
    }
  }
}"""

SOLD_PRODUCT_OF = """
query ($id: ID!) {
  serviceOrder(id: $id) { lineItems { soldProduct { id state characteristics } } }
}"""


async def lifecycle_plan(api: Api, order_id: str) -> Any:
    data = await api.run("manager", LIFECYCLE_PLAN, {"id": order_id})
    return data["serviceOrder"]


def agent_for(task: Any) -> str:
    """A demo agent of the task's group (agent1 and agent2 cover every group between them)."""
    return "agent1" if task["assignmentGroup"]["name"] in AGENT1_GROUPS else "agent2"


WORKER = "ui-lifecycle-worker"
FETCH = """
mutation ($input: FetchAndLockTasksInput!) {
  fetchAndLockTasks(input: $input) { tasks { task { id } } userErrors { code message } }
}"""
COMPLETE_AUTOMATED = """
mutation ($input: CompleteAutomatedTaskInput!) {
  completeAutomatedTask(input: $input) { task { id state } userErrors { code message } }
}"""


async def work(api: Api, task: Any) -> None:
    """An agent of the task's group starts and completes a manual task; an automated one is
    done as a worker does it: fetched with the due tasks of its handler (on this test
    server, those of finished tests' orders or of this order: all are completed) and
    completed."""
    if task["kind"] == "AUTOMATED":
        payload = await api.mutate(
            "automation",
            FETCH,
            "fetchAndLockTasks",
            workerId=WORKER,
            handlers=[task["handler"]],
            maxTasks=100,
            lockSeconds=300,
        )
        locked = [entry["task"]["id"] for entry in payload["tasks"]]
        assert task["id"] in locked, (task, locked)
        for task_id in locked:
            await api.mutate(
                "automation",
                COMPLETE_AUTOMATED,
                "completeAutomatedTask",
                taskId=task_id,
                workerId=WORKER,
                output={},
            )
        return
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


async def submit(api: Api, customer: str, item: dict[str, Any]) -> Any:
    """A new order of one line item (`item`: action, characteristics, soldProductId…)."""
    line = {"specificationCode": "FIBRE_BROADBAND", "quantity": 1, **item}
    payload = await api.mutate(
        "manager",
        SUBMIT,
        "submitServiceOrder",
        customer=customer,
        externalId=f"ui-{uuid.uuid4().hex[:12]}",
        priority="NORMAL",
        lineItems=[line],
    )
    return payload["serviceOrder"]


async def active_product(api: Api, customer: str, characteristics: dict[str, Any]) -> Any:
    """A customer's ACTIVE product: its ADD order approved and every task of it done."""
    order = await submit(api, customer, {"action": "ADD", "characteristics": characteristics})
    await api.approve(order["id"])
    while True:
        plan = await lifecycle_plan(api, order["id"])
        ready = [t for t in tasks_of(plan) if t["state"] == "READY"]
        if not ready:
            break
        for task in ready:
            await work(api, task)
    data = await api.run("manager", SOLD_PRODUCT_OF, {"id": order["id"]})
    product = data["serviceOrder"]["lineItems"][0]["soldProduct"]
    assert product["state"] == "ACTIVE", product
    return product
