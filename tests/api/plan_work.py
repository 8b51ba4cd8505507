"""Working an order's plan through the public API: the mutations an agent and a manager send,
and the plan as a client reads it. Who acts is worked out from the rows (the task's assignee,
or a demo agent of its group), as a dispatcher would."""

from __future__ import annotations

from typing import Any

from models import Task
from models.enums import FalloutAction, TaskKind
from tests.api.graphql import Api, gid, pk_of
from tests.api.mutations.helpers import Users, refused, succeeded
from tests.services.automation.plans import WORKER, lock_to
from tests.services.task_plans import agent_for

DONE = {"COMPLETED", "SKIPPED"}
PROGRESS = "{ totalTasks completedTasks percent }"
PLAN = f"""
query Plan($id: ID!) {{
  serviceOrder(id: $id) {{
    state progress {PROGRESS}
    lineItems {{
      state progress {PROGRESS} soldProduct {{ state }} specification {{ code }}
      domainOrders {{
        id state progress {PROGRESS} ownProgress {PROGRESS}
        specification {{ code }} parent {{ id }}
        tasks {{ id number name state deferredOutcome dependsOn {{ id state }} }}
      }}
    }}
  }}
}}"""
START = """
mutation Start($taskId: ID!) {
  startTask(input: {taskId: $taskId}) { task { state } userErrors { code message field } }
}"""
COMPLETE = """
mutation Complete($taskId: ID!) {
  completeTask(input: {taskId: $taskId}) { task { state } userErrors { code message field } }
}"""
COMPLETE_AUTOMATED = """
mutation CompleteAutomated($taskId: ID!, $workerId: String!) {
  completeAutomatedTask(input: {taskId: $taskId, workerId: $workerId, output: {done: true}}) {
    task { state } userErrors { code message field }
  }
}"""
CREATE_FALLOUT = """
mutation Create($taskId: ID!) {
  createFallout(input: {taskId: $taskId, type: OTHER, description: "Stuck"}) {
    fallout { id task { state } } userErrors { code message field }
  }
}"""
RESOLVE = """
mutation Resolve($falloutId: ID!, $action: FalloutAction!) {
  resolveFallout(input: {falloutId: $falloutId, action: $action, note: "Decided"}) {
    fallout { state task { state deferredOutcome } } userErrors { code message field }
  }
}"""


async def plan(api: Api, order_id: int) -> dict[str, Any]:
    data = await api.data("manager", PLAN, {"id": gid("ServiceOrder", order_id)})
    order: dict[str, Any] = data["serviceOrder"]
    return order


def all_domain_orders(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [domain_order for item in order["lineItems"] for domain_order in item["domainOrders"]]


def all_tasks(order: dict[str, Any]) -> list[dict[str, Any]]:
    """Every task of a plan, by number."""
    tasks = [task for domain_order in all_domain_orders(order) for task in domain_order["tasks"]]
    return sorted(tasks, key=lambda task: str(task["number"]))


def tasks_of(order: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every task of a plan, by name (for plans whose names are unique)."""
    return {task["name"]: task for task in all_tasks(order)}


def domain_orders_of(order: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every domain order of a plan, by specification code (for plans where it is unique)."""
    return {d["specification"]["code"]: d for d in all_domain_orders(order)}


def out_of_order(order: dict[str, Any]) -> list[str]:
    """Tasks that are READY, IN_PROGRESS or COMPLETED while one they wait on is not done."""
    return [
        task["number"]
        for task in all_tasks(order)
        if task["state"] in {"READY", "IN_PROGRESS", "COMPLETED"}
        and any(p["state"] not in DONE for p in task["dependsOn"])
    ]


async def _send(api: Api, username: str, document: str, **variables: Any) -> dict[str, Any]:
    data = await api.data(username, document, variables)
    [payload] = data.values()
    result: dict[str, Any] = payload
    return result


async def start(api: Api, users: Users, task_id: str) -> None:
    """An agent starts a manual task; a worker locks an automated one."""
    if (await Task.get(id=pk_of(task_id))).kind is TaskKind.AUTOMATED:
        await lock_to(pk_of(task_id))
        return
    agent = await agent_for(await Task.get(id=pk_of(task_id)), users)
    succeeded(await _send(api, agent.username, START, taskId=task_id), "task")


async def complete(api: Api, users: Users, task_id: str) -> None:
    agent = await agent_for(await Task.get(id=pk_of(task_id)), users)
    succeeded(await _send(api, agent.username, COMPLETE, taskId=task_id), "task")


async def work(api: Api, users: Users, task_id: str) -> None:
    """An agent works a manual task; a worker (the automation account) an automated one."""
    task = await Task.get(id=pk_of(task_id))
    if task.kind is TaskKind.AUTOMATED:
        await lock_to(task.id)
        payload = await _send(
            api, "automation", COMPLETE_AUTOMATED, taskId=task_id, workerId=WORKER
        )
        succeeded(payload, "task")
        return
    await start(api, users, task_id)
    await complete(api, users, task_id)


async def refused_start(api: Api, users: Users, task_id: str) -> str:
    agent = await agent_for(await Task.get(id=pk_of(task_id)), users)
    code, _field = refused(await _send(api, agent.username, START, taskId=task_id), "task")
    return code


async def create_fallout(api: Api, task_id: str) -> str:
    """The manager reports fallout on the task; the fallout's id."""
    payload = succeeded(await _send(api, "manager", CREATE_FALLOUT, taskId=task_id), "fallout")
    fallout_id: str = payload["id"]
    return fallout_id


async def resolve(api: Api, fallout_id: str, action: FalloutAction) -> dict[str, Any]:
    """The manager resolves the fallout; its task as it is then."""
    payload = await _send(api, "manager", RESOLVE, falloutId=fallout_id, action=action.value)
    task: dict[str, Any] = succeeded(payload, "fallout")["task"]
    return task


async def work_ready_tasks(api: Api, users: Users, order_id: int) -> None:
    """Start and complete READY tasks, through the API, until none is left."""
    while ready := [
        t for t in tasks_of(await plan(api, order_id)).values() if t["state"] == "READY"
    ]:
        for task in ready:
            await work(api, users, task["id"])
