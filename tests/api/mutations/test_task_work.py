"""startTask, completeTask, reassignTask: agents work tasks, managers hand them around."""

from __future__ import annotations

from typing import Any

import pytest

from models import Task, User
from models.enums import TaskState
from services.tasks import complete_task
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import (
    Users,
    in_progress_order,
    ready_task,
    refused,
    started_task,
    succeeded,
    task_id,
    user_id,
)
from tests.services.task_plans import snapshot

TASK = """
    task { number state version attempts assignee { username } dependents { state } }
    userErrors { code message field }
"""
START = f"""mutation Start($input: StartTaskInput!) {{ startTask(input: $input) {{ {TASK} }} }}"""
COMPLETE = f"""
mutation Complete($input: CompleteTaskInput!) {{ completeTask(input: $input) {{ {TASK} }} }}"""
REASSIGN = f"""
mutation Reassign($input: ReassignTaskInput!) {{ reassignTask(input: $input) {{ {TASK} }} }}"""


async def run(api: Api, username: str, document: str, **values: Any) -> dict[str, Any]:
    data = await api.data(username, document, {"input": values})
    [payload] = data.values()
    result: dict[str, Any] = payload
    return result


def other_agent(agent: User, users: Users) -> User:
    return users["agent2"] if agent.username == "agent1" else users["agent1"]


# --- startTask ---------------------------------------------------------------------------


async def test_an_agent_starts_a_ready_task_of_their_group(api: Api, users: Users) -> None:
    task, agent = await ready_task(users)
    payload = await run(api, agent.username, START, taskId=task_id(task))
    started = succeeded(payload, "task")
    assert (started["state"], started["assignee"]) == ("IN_PROGRESS", {"username": agent.username})
    assert (started["version"], started["attempts"]) == (task.version + 1, 1)


@pytest.mark.parametrize("username", ["manager", "viewer", "partner", "admin"])
async def test_only_agents_start_tasks(api: Api, users: Users, username: str) -> None:
    task, _agent = await ready_task(users)
    before = await snapshot()
    payload = await run(api, username, START, taskId=task_id(task))
    assert refused(payload, "task")[0] == "FORBIDDEN"
    assert await snapshot() == before


async def test_a_task_assigned_to_someone_else_is_theirs(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    task.state = TaskState.READY
    await task.save()
    payload = await run(api, other_agent(agent, users).username, START, taskId=task_id(task))
    assert refused(payload, "task")[0] == "FORBIDDEN"


async def test_a_pending_task_cannot_start(api: Api, users: Users) -> None:
    order = await in_progress_order(users)
    pending = await Task.filter(service_order_id=order.id, state=TaskState.PENDING).first()
    assert pending is not None
    payload = await run(api, "agent2", START, taskId=task_id(pending))
    assert refused(payload, "task")[0] == "INVALID_STATE"


async def test_starting_an_unknown_task_is_not_found(api: Api, users: Users) -> None:
    payload = await run(api, "agent1", START, taskId=gid("Task", 999))
    assert refused(payload, "task") == ("NOT_FOUND", "taskId")


async def test_starting_a_changed_task_conflicts(api: Api, users: Users) -> None:
    task, agent = await ready_task(users)
    payload = await run(api, agent.username, START, taskId=task_id(task), expectedVersion=99)
    assert refused(payload, "task")[0] == "CONFLICT"


# --- completeTask ------------------------------------------------------------------------


async def test_the_assignee_completes_a_task_and_readies_its_dependents(
    api: Api, users: Users
) -> None:
    task, agent = await started_task(users)
    payload = await run(api, agent.username, COMPLETE, taskId=task_id(task), note="Done")
    completed = succeeded(payload, "task")
    assert completed["state"] == "COMPLETED"
    assert {d["state"] for d in completed["dependents"]} == {"READY"}


async def test_only_the_assignee_completes(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    before = await snapshot()
    other = other_agent(agent, users)
    payload = await run(api, other.username, COMPLETE, taskId=task_id(task))
    assert refused(payload, "task")[0] == "FORBIDDEN"
    assert await snapshot() == before


@pytest.mark.parametrize("username", ["manager", "viewer", "partner", "admin"])
async def test_only_agents_complete_tasks(api: Api, users: Users, username: str) -> None:
    task, _agent = await started_task(users)
    payload = await run(api, username, COMPLETE, taskId=task_id(task))
    assert refused(payload, "task")[0] == "FORBIDDEN"
    assert (await Task.get(id=task.id)).state == TaskState.IN_PROGRESS


async def test_a_task_not_started_cannot_complete(api: Api, users: Users) -> None:
    task, agent = await ready_task(users)
    # Assigned to the agent, so that its state is the only thing wrong with the call.
    task.assignee_id = agent.id
    await task.save()
    payload = await run(api, agent.username, COMPLETE, taskId=task_id(task))
    assert refused(payload, "task")[0] == "INVALID_STATE"


async def test_completing_an_unknown_task_is_not_found(api: Api, users: Users) -> None:
    payload = await run(api, "agent1", COMPLETE, taskId=gid("Task", 999))
    assert refused(payload, "task") == ("NOT_FOUND", "taskId")


async def test_completing_a_changed_task_conflicts(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    payload = await run(api, agent.username, COMPLETE, taskId=task_id(task), expectedVersion=1)
    assert refused(payload, "task")[0] == "CONFLICT"


# --- reassignTask ------------------------------------------------------------------------


async def test_a_manager_reassigns_a_task(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    other = other_agent(agent, users)
    payload = await run(
        api, "manager", REASSIGN, taskId=task_id(task), assigneeId=user_id(other), reason="Leave"
    )
    assert succeeded(payload, "task")["assignee"] == {"username": other.username}


@pytest.mark.parametrize("username", ["agent1", "viewer", "partner", "admin"])
async def test_only_managers_reassign_tasks(api: Api, users: Users, username: str) -> None:
    task, _agent = await ready_task(users)
    before = await snapshot()
    payload = await run(
        api,
        username,
        REASSIGN,
        taskId=task_id(task),
        assigneeId=user_id(users["agent2"]),
        reason="r",
    )
    assert refused(payload, "task")[0] == "FORBIDDEN"
    assert await snapshot() == before


async def test_a_reassignment_needs_a_reason(api: Api, users: Users) -> None:
    task, _agent = await ready_task(users)
    payload = await run(
        api,
        "manager",
        REASSIGN,
        taskId=task_id(task),
        assigneeId=user_id(users["agent2"]),
        reason="",
    )
    assert refused(payload, "task") == ("VALIDATION", "reason")


async def test_tasks_go_only_to_people_who_work_them(api: Api, users: Users) -> None:
    task, _agent = await ready_task(users)
    payload = await run(
        api,
        "manager",
        REASSIGN,
        taskId=task_id(task),
        assigneeId=user_id(users["viewer"]),
        reason="r",
    )
    assert refused(payload, "task") == ("VALIDATION", "assigneeId")


@pytest.mark.parametrize("assignee", [gid("User", 999), gid("Task", 1)])
async def test_an_unknown_assignee_is_not_found(api: Api, users: Users, assignee: str) -> None:
    task, _agent = await ready_task(users)
    payload = await run(
        api, "manager", REASSIGN, taskId=task_id(task), assigneeId=assignee, reason="r"
    )
    assert refused(payload, "task") == ("NOT_FOUND", "assigneeId")


async def test_a_completed_task_cannot_be_reassigned(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    await complete_task(agent, task.id)
    payload = await run(
        api,
        "manager",
        REASSIGN,
        taskId=task_id(task),
        assigneeId=user_id(users["agent2"]),
        reason="r",
    )
    assert refused(payload, "task")[0] == "INVALID_STATE"


async def test_reassigning_a_changed_task_conflicts(api: Api, users: Users) -> None:
    task, _agent = await ready_task(users)
    payload = await run(
        api,
        "manager",
        REASSIGN,
        taskId=task_id(task),
        assigneeId=user_id(users["agent2"]),
        reason="r",
        expectedVersion=7,
    )
    assert refused(payload, "task")[0] == "CONFLICT"
