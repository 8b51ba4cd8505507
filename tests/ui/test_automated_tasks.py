"""Automated tasks in the plan: marked in the tree with their attempts and a retry countdown,
and in the details with their handler and last error, live as a worker fails one.

On a server of this module's own: the test acts as a worker, and a worker's fetch takes the
oldest due tasks of its handlers, whichever order they belong to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.ui.api import Api, tasks_of
from tests.ui.conftest import UI_DIST, open_plan, sign_in, tree_node, unavailable
from tests.ui.server import RunningServer, running_server

HANDLER = "demo.allocate_resource"
WORKER = "ui-test-worker"
FETCH = """
mutation ($input: FetchAndLockTasksInput!) {
  fetchAndLockTasks(input: $input) { tasks { task { id } } userErrors { code message } }
}"""
FAIL = """
mutation ($input: FailAutomatedTaskInput!) {
  failAutomatedTask(input: $input) { task { id state maxAttempts } userErrors { code message } }
}"""


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    if not UI_DIST.exists():
        unavailable(f"the UI is not built ({UI_DIST} is missing): run `make ui`")
    with running_server(tmp_path_factory.mktemp("ui-automation")) as server:
        yield server


@pytest.fixture(scope="module")
def api(ui_server: RunningServer) -> Api:
    client = Api(ui_server.url)
    client.use_token("automation", ui_server.command("token", "automation"))
    return client


async def fail_as_worker(api: Api, task_id: str, error: str) -> Any:
    """Fetch the handler's due tasks as a worker (this order's among them) and fail this one."""
    payload = await api.mutate(
        "automation",
        FETCH,
        "fetchAndLockTasks",
        workerId=WORKER,
        handlers=[HANDLER],
        maxTasks=100,
        lockSeconds=300,
    )
    assert task_id in [locked["task"]["id"] for locked in payload["tasks"]]
    failed = await api.mutate(
        "automation",
        FAIL,
        "failAutomatedTask",
        taskId=task_id,
        workerId=WORKER,
        error=error,
        retryable=True,
    )
    return failed["task"]


async def test_a_failed_attempt_shows_live_with_its_error_and_the_retry_countdown(
    page: Page, api: Api
) -> None:
    # Given the plan of a new order, open, with an automated task READY
    plan = await api.in_progress_order("Automation Ltd")
    task = next(
        t
        for t in tasks_of(plan)
        if t["kind"] == "AUTOMATED" and t["state"] == "READY" and t["name"].startswith("Allocate")
    )
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])
    node = tree_node(page, "task", task["id"])
    await expect(node.get_by_test_id("automation-mark")).to_be_visible()

    # When a worker fails its first attempt, retryably
    failed = await fail_as_worker(api, task["id"], "IPAM did not answer within 5 s")

    # Then the tree shows the attempt and a countdown to the retry, live
    mark = node.get_by_test_id("automation-mark")
    await expect(mark.get_by_test_id("task-attempts")).to_have_text(f"1/{failed['maxAttempts']}")
    await expect(mark.get_by_test_id("retry-countdown")).to_have_text(
        re.compile(r"^(\d+s|\d+m \d\ds)$")
    )
    await expect(mark.locator(".locked-by")).to_have_count(0)  # the worker let go of it
    # and its details the handler and the last error
    await node.locator(".node-row").click()
    details = page.get_by_test_id("automation")
    await expect(details.get_by_test_id("task-handler")).to_have_text(HANDLER)
    await expect(details.get_by_test_id("task-last-error")).to_have_text(
        "IPAM did not answer within 5 s"
    )
