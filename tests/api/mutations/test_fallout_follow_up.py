"""createFallout, reassignFallout, resolveFallout: a stuck task and its follow-up."""

from __future__ import annotations

from typing import Any

import pytest

from models import FalloutRecord, Task
from models.enums import FalloutAction, TaskState
from services.fallouts import reassign_fallout, resolve_fallout
from services.tasks import complete_task
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import (
    Users,
    fallout_id,
    open_fallout,
    ready_task,
    refused,
    started_task,
    succeeded,
    task_id,
    user_id,
)
from tests.services.task_plans import snapshot

FALLOUT = """
    fallout {
      number type description state priority
      task { state assignee { username } }
      assignee { username } createdBy { username }
      resolution { action note resolvedBy { username } }
    }
    userErrors { code message field }
"""
CREATE = f"""
mutation Create($input: CreateFalloutInput!) {{ createFallout(input: $input) {{ {FALLOUT} }} }}"""
REASSIGN = f"""
mutation Reassign($input: ReassignFalloutInput!) {{
  reassignFallout(input: $input) {{ {FALLOUT} }}
}}"""
RESOLVE = f"""
mutation Resolve($input: ResolveFalloutInput!) {{
  resolveFallout(input: $input) {{ {FALLOUT} }}
}}"""


async def run(api: Api, username: str, document: str, **values: Any) -> dict[str, Any]:
    data = await api.data(username, document, {"input": values})
    [payload] = data.values()
    result: dict[str, Any] = payload
    return result


def report(task: Task, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "taskId": task_id(task),
        "type": "INVENTORY_ALLOCATION_FAILURE",
        "description": "No SIM stock",
        "priority": "HIGH",
    }
    values.update(overrides)
    return values


# --- createFallout -----------------------------------------------------------------------


async def test_the_assignee_reports_fallout_and_the_task_goes_on_hold(
    api: Api, users: Users
) -> None:
    task, agent = await started_task(users)
    payload = await run(api, agent.username, CREATE, **report(task))
    fallout = succeeded(payload, "fallout")
    assert fallout["number"] == "FO0000001"
    assert (fallout["state"], fallout["type"], fallout["priority"]) == (
        "OPEN",
        "INVENTORY_ALLOCATION_FAILURE",
        "HIGH",
    )
    assert fallout["task"]["state"] == "ON_HOLD"
    assert fallout["createdBy"] == {"username": agent.username}


async def test_a_manager_reports_fallout_on_any_task(api: Api, users: Users) -> None:
    task, _agent = await ready_task(users)
    payload = await run(api, "manager", CREATE, **report(task))
    assert succeeded(payload, "fallout")["task"]["state"] == "ON_HOLD"


async def test_an_agent_reports_fallout_only_on_their_own_task(api: Api, users: Users) -> None:
    task, _agent = await ready_task(users)
    before = await snapshot()
    payload = await run(api, "agent1", CREATE, **report(task))
    assert refused(payload, "fallout") == ("FORBIDDEN", "taskId")
    assert await snapshot() == before


@pytest.mark.parametrize("username", ["viewer", "partner", "admin"])
async def test_roles_that_do_not_work_tasks_cannot_report_fallout(
    api: Api, users: Users, username: str
) -> None:
    task, _agent = await started_task(users)
    before = await snapshot()
    payload = await run(api, username, CREATE, **report(task))
    assert refused(payload, "fallout")[0] == "FORBIDDEN"
    assert await snapshot() == before


async def test_fallout_needs_a_description(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    payload = await run(api, agent.username, CREATE, **report(task, description="  "))
    assert refused(payload, "fallout") == ("VALIDATION", "description")
    assert (await Task.get(id=task.id)).state == TaskState.IN_PROGRESS


async def test_a_completed_task_cannot_fall_out(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    await complete_task(agent, task.id)
    payload = await run(api, agent.username, CREATE, **report(task))
    assert refused(payload, "fallout")[0] == "INVALID_STATE"


async def test_fallout_on_an_unknown_task_is_not_found(api: Api, users: Users) -> None:
    payload = await run(
        api, "manager", CREATE, taskId=gid("Task", 999), type="OTHER", description="x"
    )
    assert refused(payload, "fallout") == ("NOT_FOUND", "taskId")


# --- reassignFallout ---------------------------------------------------------------------


async def test_a_manager_hands_fallout_and_its_task_to_an_agent(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    payload = await run(
        api, "manager", REASSIGN, falloutId=fallout_id(fallout), assigneeId=user_id(users["agent2"])
    )
    reassigned = succeeded(payload, "fallout")
    assert (reassigned["state"], reassigned["assignee"]) == ("IN_PROGRESS", {"username": "agent2"})
    assert reassigned["task"]["assignee"] == {"username": "agent2"}


@pytest.mark.parametrize("username", ["agent1", "viewer", "partner", "admin"])
async def test_only_managers_reassign_fallout(api: Api, users: Users, username: str) -> None:
    fallout = await open_fallout(users)
    before = await snapshot()
    payload = await run(
        api, username, REASSIGN, falloutId=fallout_id(fallout), assigneeId=user_id(users["agent2"])
    )
    assert refused(payload, "fallout")[0] == "FORBIDDEN"
    assert await snapshot() == before


async def test_fallout_goes_only_to_people_who_work_tasks(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    payload = await run(
        api, "manager", REASSIGN, falloutId=fallout_id(fallout), assigneeId=user_id(users["admin"])
    )
    assert refused(payload, "fallout") == ("VALIDATION", "assigneeId")


async def test_a_resolved_fallout_cannot_be_reassigned(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    await resolve_fallout(users["manager"], fallout.id, FalloutAction.SKIP_TASK, "Not needed")
    payload = await run(
        api, "manager", REASSIGN, falloutId=fallout_id(fallout), assigneeId=user_id(users["agent2"])
    )
    assert refused(payload, "fallout")[0] == "INVALID_STATE"


async def test_reassigning_an_unknown_fallout_is_not_found(api: Api, users: Users) -> None:
    payload = await run(
        api,
        "manager",
        REASSIGN,
        falloutId=gid("FalloutRecord", 9),
        assigneeId=user_id(users["agent2"]),
    )
    assert refused(payload, "fallout") == ("NOT_FOUND", "falloutId")


async def test_reassigning_a_fallout_at_the_version_seen_succeeds(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    payload = await run(
        api,
        "manager",
        REASSIGN,
        falloutId=fallout_id(fallout),
        assigneeId=user_id(users["agent2"]),
        expectedVersion=fallout.version,
    )
    assert succeeded(payload, "fallout")["assignee"] == {"username": "agent2"}


async def test_reassigning_a_changed_fallout_conflicts(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    seen = fallout.version
    await reassign_fallout(users["manager"], fallout.id, users["agent1"].id)
    before = await snapshot()
    payload = await run(
        api,
        "manager",
        REASSIGN,
        falloutId=fallout_id(fallout),
        assigneeId=user_id(users["agent2"]),
        expectedVersion=seen,
    )
    assert refused(payload, "fallout") == ("CONFLICT", "expectedVersion")
    assert await snapshot() == before


# --- resolveFallout ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "task_state"),
    [("RETRY_TASK", "READY"), ("COMPLETE_TASK", "COMPLETED"), ("SKIP_TASK", "SKIPPED")],
)
async def test_resolving_fallout_releases_its_task(
    api: Api, users: Users, action: str, task_state: str
) -> None:
    fallout = await open_fallout(users)
    payload = await run(
        api, "manager", RESOLVE, falloutId=fallout_id(fallout), action=action, note="Sorted"
    )
    resolved = succeeded(payload, "fallout")
    assert resolved["state"] == "RESOLVED"
    assert resolved["resolution"] == {
        "action": action,
        "note": "Sorted",
        "resolvedBy": {"username": "manager"},
    }
    assert resolved["task"]["state"] == task_state


@pytest.mark.parametrize("username", ["agent1", "viewer", "partner", "admin"])
async def test_only_managers_resolve_fallout(api: Api, users: Users, username: str) -> None:
    fallout = await open_fallout(users)
    before = await snapshot()
    payload = await run(
        api, username, RESOLVE, falloutId=fallout_id(fallout), action="RETRY_TASK", note="n"
    )
    assert refused(payload, "fallout")[0] == "FORBIDDEN"
    assert await snapshot() == before


async def test_resolving_needs_a_note(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    payload = await run(
        api, "manager", RESOLVE, falloutId=fallout_id(fallout), action="RETRY_TASK", note=""
    )
    assert refused(payload, "fallout") == ("VALIDATION", "note")
    assert (await FalloutRecord.get(id=fallout.id)).state == "OPEN"


async def test_a_fallout_is_resolved_once(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    await resolve_fallout(users["manager"], fallout.id, FalloutAction.RETRY_TASK, "Retried")
    payload = await run(
        api, "manager", RESOLVE, falloutId=fallout_id(fallout), action="SKIP_TASK", note="n"
    )
    assert refused(payload, "fallout")[0] == "INVALID_STATE"


async def test_resolving_a_fallout_at_the_version_seen_succeeds(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    payload = await run(
        api,
        "manager",
        RESOLVE,
        falloutId=fallout_id(fallout),
        action="RETRY_TASK",
        note="Sorted",
        expectedVersion=fallout.version,
    )
    assert succeeded(payload, "fallout")["state"] == "RESOLVED"


async def test_resolving_a_changed_fallout_conflicts(api: Api, users: Users) -> None:
    fallout = await open_fallout(users)
    seen = fallout.version
    await reassign_fallout(users["manager"], fallout.id, users["agent2"].id)
    before = await snapshot()
    payload = await run(
        api,
        "manager",
        RESOLVE,
        falloutId=fallout_id(fallout),
        action="SKIP_TASK",
        note="Not needed",
        expectedVersion=seen,
    )
    assert refused(payload, "fallout") == ("CONFLICT", "expectedVersion")
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("fallout", "code"), [(gid("FalloutRecord", 999), "NOT_FOUND"), ("Zm9v", "VALIDATION")]
)
async def test_resolving_an_unknown_fallout_is_refused(
    api: Api, users: Users, fallout: str, code: str
) -> None:
    payload = await run(api, "manager", RESOLVE, falloutId=fallout, action="RETRY_TASK", note="n")
    assert refused(payload, "fallout") == (code, "falloutId")
