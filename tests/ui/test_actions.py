"""Actions by role, through the public mutations, with their user errors next to them."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.ui.api import Api, tasks_of
from tests.ui.conftest import nodes, open_plan, sign_in, tree_node

AGENT1_GROUPS = {"field-operations", "logistics", "network-engineering"}


async def test_manager_approves_a_new_order_and_its_plan_appears(page: Page, api: Api) -> None:
    # Given a new order, open in the manager's browser: no plan yet
    order = await api.submit_order("Approve Me Ltd")
    await sign_in(page, "manager")
    await open_plan(page, order["id"])
    await expect(page.get_by_test_id("count-tasks")).to_have_attribute("data-count", "0")

    # When the manager approves it
    await page.get_by_test_id("action-approve").click()

    # Then the order is decomposed and its plan appears, every task in the tree
    plan = await api.plan(order["id"])
    await expect(page.get_by_test_id("order-state")).to_have_attribute("data-state", "IN_PROGRESS")
    await expect(page.get_by_test_id("count-tasks")).to_have_attribute(
        "data-count", str(len(tasks_of(plan)))
    )
    await expect(nodes(page, "task")).to_have_count(len(tasks_of(plan)))
    await expect(page.get_by_test_id("action-approve")).to_have_count(0)


async def test_rejecting_without_a_reason_shows_the_user_error_next_to_reject(
    page: Page, api: Api
) -> None:
    # Given a new order, open in the manager's browser
    order = await api.submit_order("No Reason Ltd")
    await sign_in(page, "manager")
    await open_plan(page, order["id"])

    # When the manager rejects it without a reason
    await page.get_by_test_id("action-reject").click()

    # Then the refusal shows beside the reject action and the order stays new
    error = page.locator(f'[data-testid="action-error"][data-action="reject:{order["id"]}"]')
    await expect(error.locator(".error")).to_have_attribute("data-code", "VALIDATION")
    await expect(page.get_by_test_id("order-state")).to_have_attribute("data-state", "NEW")


async def test_agent_starts_and_completes_a_task_and_progress_moves(page: Page, api: Api) -> None:
    # Given an in-progress order with a ready task of one of agent1's groups
    plan = await api.in_progress_order("Agent Work Ltd")
    task = next(
        t
        for t in tasks_of(plan)
        if t["state"] == "READY"
        and t["kind"] == "MANUAL"
        and t["assignmentGroup"]["name"] in AGENT1_GROUPS
    )
    await sign_in(page, "agent1")
    await open_plan(page, plan["id"])
    node = tree_node(page, "task", task["id"])
    progress = page.get_by_test_id("order-progress").get_by_role("progressbar")
    await expect(progress).to_have_attribute("data-completed", "0")

    # When agent1 selects the task, starts it, then completes it
    await node.locator(".node-row").click()
    await page.get_by_test_id("action-start").click()
    await expect(node).to_have_attribute("data-state", "IN_PROGRESS")
    await page.get_by_test_id("action-complete").click()

    # Then the task is completed and the order's progress has moved
    await expect(node).to_have_attribute("data-state", "COMPLETED")
    await expect(progress).to_have_attribute("data-completed", "1")
    await expect(page.get_by_test_id("action-complete")).to_have_count(0)


async def test_viewer_is_offered_no_action(page: Page, api: Api) -> None:
    # Given a new order and an in-progress order with an open fallout
    new_order = await api.submit_order("Viewer New Ltd")
    plan = await api.in_progress_order("Viewer Busy Ltd")
    task = tasks_of(plan)[0]
    await api.create_fallout(task["id"])
    await sign_in(page, "viewer")

    # When the viewer opens both, and selects a task
    await open_plan(page, new_order["id"])
    await expect(page.get_by_test_id("order-state")).to_have_attribute("data-state", "NEW")
    await expect(page.locator("main button[data-testid^='action-']")).to_have_count(0)
    await open_plan(page, plan["id"])
    await tree_node(page, "task", task["id"]).locator(".node-row").click()
    await expect(page.get_by_test_id("details")).to_have_attribute("data-kind", "task")
    await expect(page.get_by_test_id("fallout-row")).to_have_count(1)

    # Then no action is offered anywhere
    await expect(page.locator("main button[data-testid^='action-']")).to_have_count(0)
    await expect(page.locator("main summary[data-testid^='open-']")).to_have_count(0)


async def test_a_task_on_hold_is_offered_what_the_api_allows(page: Page, api: Api) -> None:
    # Given a task on hold with an open fallout (the API refuses a second fallout on it)
    plan = await api.in_progress_order("On Hold Ltd")
    task = next(t for t in tasks_of(plan) if t["state"] == "READY" and t["kind"] == "MANUAL")
    await api.create_fallout(task["id"])
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])

    # When the manager selects it
    node = tree_node(page, "task", task["id"])
    await expect(node).to_have_attribute("data-state", "ON_HOLD")
    await node.locator(".node-row").click()

    # Then the page offers reassignment, and no second fallout
    actions = page.get_by_test_id("task-actions")
    await expect(actions.get_by_test_id("open-reassign-task")).to_have_count(1)
    await expect(actions.get_by_test_id("open-create-fallout")).to_have_count(0)
