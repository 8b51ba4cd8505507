"""fetchAndLockTasks, completeAutomatedTask, failAutomatedTask, extendTaskLock: the external
worker protocol over the API, and what it refuses (a typed error, nothing written)."""

from __future__ import annotations

from typing import Any

import pytest

from models import Task
from models.enums import TaskKind, TaskState
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, in_progress_order, refused, succeeded, task_id
from tests.fake_clock import FakeClock
from tests.services.automation.plans import lock_to
from tests.services.task_plans import snapshot, work_task

TASK = "task { number state attempts handler lockedBy lastError output }"
FETCH = """
mutation Fetch($input: FetchAndLockTasksInput!) {
  fetchAndLockTasks(input: $input) {
    tasks { task { id number state attempts kind lockedBy lockExpiresAt } context }
    userErrors { code message field }
  }
}"""
COMPLETE = f"""mutation($input: CompleteAutomatedTaskInput!) {{
  completeAutomatedTask(input: $input) {{ {TASK} userErrors {{ code message field }} }} }}"""
FAIL = f"""mutation($input: FailAutomatedTaskInput!) {{
  failAutomatedTask(input: $input) {{ {TASK} userErrors {{ code message field }} }} }}"""
EXTEND = """mutation($input: ExtendTaskLockInput!) {
  extendTaskLock(input: $input) { task { lockExpiresAt } userErrors { code message field } } }"""


async def run(api: Api, document: str, username: str = "automation", **values: Any) -> Any:
    data = await api.data(username, document, {"input": values})
    [payload] = data.values()
    return payload


async def automated_ready_task(users: Users) -> Task:
    """The READY automated task of a fresh MOBILE_LINE order (reserve the number)."""
    order = await in_progress_order(users)
    task = await Task.get(service_order_id=order.id, state=TaskState.READY, kind=TaskKind.AUTOMATED)
    return task


async def test_a_worker_fetches_a_task_with_its_context(api: Api, users: Users) -> None:
    task = await automated_ready_task(users)

    payload = await run(
        api, FETCH, workerId="w1", handlers=["demo.allocate_resource"], maxTasks=5, lockSeconds=30
    )

    [locked] = payload["tasks"]
    assert locked["task"]["number"] == task.number
    assert (locked["task"]["state"], locked["task"]["attempts"], locked["task"]["lockedBy"]) == (
        "IN_PROGRESS",
        1,
        "w1",
    )
    context = locked["context"]
    assert context["lineItem"]["specificationCode"] == "MOBILE_LINE"
    assert context["domainOrder"]["specificationCode"] == "MSISDN"
    assert context["soldProduct"]["state"] == "PENDING"
    assert context["task"]["handler"] == "demo.allocate_resource"


async def test_a_task_gets_the_outputs_of_the_tasks_it_waited_on(api: Api, users: Users) -> None:
    order = await in_progress_order(users)
    # Work the leaves until the subscriber registration (which waits on both) is READY.
    for name in ("Allocate a SIM from stock", "Reserve the mobile number"):
        await work_task(await Task.get(service_order_id=order.id, name=name), users)
    await work_task(
        await Task.get(service_order_id=order.id, name="Dispatch the SIM to the customer"), users
    )

    payload = await run(
        api, FETCH, workerId="w1", handlers=["demo.configure_network"], maxTasks=5, lockSeconds=30
    )

    [locked] = payload["tasks"]
    outputs = {d["name"]: d["output"] for d in locked["context"]["dependencies"]}
    assert outputs == {
        "Dispatch the SIM to the customer": None,
        "Reserve the mobile number": {"done": True},
    }


async def test_the_holder_completes_with_its_output(api: Api, users: Users) -> None:
    task = await lock_to((await automated_ready_task(users)).id, "w1")

    payload = await run(
        api, COMPLETE, taskId=task_id(task), workerId="w1", output={"msisdn": "+31612345678"}
    )

    done = succeeded(payload, "task")
    assert (done["state"], done["output"], done["lockedBy"]) == (
        "COMPLETED",
        {"msisdn": "+31612345678"},
        None,
    )


async def test_a_failure_is_shown_on_the_task(api: Api, users: Users) -> None:
    task = await lock_to((await automated_ready_task(users)).id, "w1")

    payload = await run(
        api, FAIL, taskId=task_id(task), workerId="w1", error="Number pool empty", retryable=True
    )

    failed = succeeded(payload, "task")
    assert (failed["state"], failed["lastError"], failed["attempts"]) == (
        "READY",
        "Number pool empty",
        1,
    )


async def test_the_holder_extends_its_lock(api: Api, users: Users, clock: FakeClock) -> None:
    task = await lock_to((await automated_ready_task(users)).id, "w1", seconds=30)
    clock.advance(seconds=20)

    payload = await run(api, EXTEND, taskId=task_id(task), workerId="w1", lockSeconds=60)

    succeeded(payload, "task")
    stored = await Task.get(id=task.id)
    assert stored.lock_expires_at is not None
    assert (stored.lock_expires_at - clock.now()).total_seconds() == 60


async def test_an_extension_never_shortens_a_lock(api: Api, users: Users, clock: FakeClock) -> None:
    # given a lock that runs for 60 s more
    task = await lock_to((await automated_ready_task(users)).id, "w1", seconds=60)
    before = task.lock_expires_at

    # when its holder asks for 10 s
    payload = await run(api, EXTEND, taskId=task_id(task), workerId="w1", lockSeconds=10)

    # then the lock runs as long as it did (the extension is recorded all the same)
    succeeded(payload, "task")
    stored = await Task.get(id=task.id)
    assert stored.lock_expires_at == before
    assert stored.version == task.version + 1


# --- refusals: a typed error, nothing written ----------------------------------------------


async def a_locked_task(users: Users) -> Task:
    return await lock_to((await automated_ready_task(users)).id, "w1")


@pytest.mark.parametrize(
    ("document", "values", "code", "field"),
    [
        (COMPLETE, {"workerId": "w2", "output": {}}, "CONFLICT", "workerId"),
        (FAIL, {"workerId": "w2", "error": "x", "retryable": True}, "CONFLICT", "workerId"),
        (EXTEND, {"workerId": "w2", "lockSeconds": 10}, "CONFLICT", "workerId"),
        (COMPLETE, {"workerId": "w1", "output": {"x": "y" * 17000}}, "VALIDATION", "output"),
        (FAIL, {"workerId": "w1", "error": "e" * 3001, "retryable": True}, "VALIDATION", "error"),
        (FAIL, {"workerId": "w1", "error": "\x00", "retryable": False}, "VALIDATION", "error"),
        (EXTEND, {"workerId": "w1", "lockSeconds": 0}, "VALIDATION", "lockSeconds"),
    ],
    ids=[
        "complete by another worker",
        "fail by another worker",
        "extend by another worker",
        "oversized output",
        "oversized error",
        "error with NUL",
        "no lock time",
    ],
)
async def test_a_bad_answer_is_refused_and_changes_nothing(
    api: Api, users: Users, document: str, values: dict[str, Any], code: str, field: str
) -> None:
    task = await a_locked_task(users)
    before = await snapshot()

    payload = await run(api, document, taskId=task_id(task), **values)

    assert refused(payload, "task") == (code, field)
    assert await snapshot() == before


@pytest.mark.parametrize("document", [COMPLETE, FAIL, EXTEND], ids=["complete", "fail", "extend"])
async def test_an_answer_after_the_lock_expired_is_a_conflict(
    api: Api, users: Users, clock: FakeClock, document: str
) -> None:
    task = await a_locked_task(users)
    clock.advance(seconds=60)
    before = await snapshot()

    payload = await run(api, document, taskId=task_id(task), **_answer(document, "w1"))

    assert refused(payload, "task") == ("CONFLICT", "workerId")
    assert "expired" in payload["userErrors"][0]["message"]
    assert await snapshot() == before


def _answer(document: str, worker: str) -> dict[str, Any]:
    if document is COMPLETE:
        return {"workerId": worker, "output": {}}
    if document is FAIL:
        return {"workerId": worker, "error": "late", "retryable": True}
    return {"workerId": worker, "lockSeconds": 10}


async def test_a_manual_task_is_no_workers(api: Api, users: Users) -> None:
    order = await in_progress_order(users)
    manual = await Task.get(service_order_id=order.id, state=TaskState.READY, kind=TaskKind.MANUAL)
    before = await snapshot()

    payload = await run(api, COMPLETE, taskId=task_id(manual), workerId="w1", output={})

    assert refused(payload, "task") == ("INVALID_STATE", "taskId")
    assert await snapshot() == before


async def test_an_agent_may_not_start_an_automated_task(api: Api, users: Users) -> None:
    task = await automated_ready_task(users)
    start = """mutation($input: StartTaskInput!) { startTask(input: $input) {
      task { id } userErrors { code message field } } }"""
    before = await snapshot()

    payload = await run(api, start, "agent2", taskId=task_id(task))

    assert refused(payload, "task") == ("INVALID_STATE", "taskId")
    assert await snapshot() == before


@pytest.mark.parametrize("username", ["manager", "agent1", "viewer", "partner", "admin"])
async def test_only_the_automation_role_fetches(api: Api, users: Users, username: str) -> None:
    await automated_ready_task(users)

    payload = await run(
        api, FETCH, username, workerId="w1", handlers=["demo.allocate_resource"], lockSeconds=30
    )

    assert payload["tasks"] == []
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]


async def test_the_plan_shows_the_automation_of_each_task_and_template(
    api: Api, users: Users
) -> None:
    task = await automated_ready_task(users)
    query = """query($id: ID!) { node(id: $id) { ... on Task {
      kind handler maxAttempts attempts nextAttemptAt lockedBy lastError output input
      viewerCan { start complete }
    } } }"""
    catalog = """{ serviceSpecifications { code taskTemplates {
      code kind handler maxAttempts backoffSeconds backoffMaxSeconds lockSeconds } } }"""

    shown = (await api.data("agent2", query, {"id": gid("Task", task.id)}))["node"]
    specs = (await api.data("manager", catalog))["serviceSpecifications"]

    assert shown == {
        "kind": "AUTOMATED",
        "handler": "demo.allocate_resource",
        "maxAttempts": 3,
        "attempts": 0,
        "nextAttemptAt": None,
        "lockedBy": None,
        "lastError": None,
        "output": None,
        "input": None,
        "viewerCan": {"start": False, "complete": False},
    }
    [billing] = [
        t
        for s in specs
        if s["code"] == "MOBILE_LINE"
        for t in s["taskTemplates"]
        if t["code"] == "start_billing"
    ]
    assert billing == {
        "code": "start_billing",
        "kind": "AUTOMATED",
        "handler": "demo.activate_billing",
        "maxAttempts": 5,
        "backoffSeconds": 60,
        "backoffMaxSeconds": 3600,
        "lockSeconds": 300,
    }
