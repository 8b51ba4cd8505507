"""The manager follows up fallout from the page: reassigns it and resolves it."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.ui.api import Api, tasks_of
from tests.ui.conftest import open_plan, screenshot, sign_in, tree_node


async def test_manager_reassigns_a_fallout_to_an_agent(page: Page, api: Api) -> None:
    # Given an order with an open fallout, open in the manager's browser
    plan = await api.in_progress_order("Reassign Fallout Ltd")
    task = tasks_of(plan)[0]
    fallout = await api.create_fallout(task["id"])
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])
    row = page.locator(f'[data-testid="fallout-row"][data-id="{fallout["id"]}"]')

    # When the manager reassigns it to agent2
    await row.get_by_test_id("open-reassign-fallout").click()
    await row.get_by_test_id("reassign-fallout-assignee").select_option(await api.user_id("agent2"))
    await row.get_by_test_id("action-reassign-fallout").click()

    # Then the fallout is in progress with agent2, and so is its task's assignment
    await expect(row).to_have_attribute("data-state", "IN_PROGRESS")
    await expect(row).to_contain_text("agent2")
    await expect(
        tree_node(page, "task", task["id"]).get_by_test_id("task-assignee")
    ).to_contain_text("agent2")


async def test_manager_resolves_a_fallout_and_the_task_is_ready_again(page: Page, api: Api) -> None:
    # Given an order whose ready task is on hold with an open fallout
    plan = await api.in_progress_order("Resolve Fallout Ltd")
    task = next(t for t in tasks_of(plan) if t["state"] == "READY" and t["kind"] == "MANUAL")
    fallout = await api.create_fallout(task["id"])
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])
    row = page.locator(f'[data-testid="fallout-row"][data-id="{fallout["id"]}"]')
    node = tree_node(page, "task", task["id"])
    await expect(node).to_have_attribute("data-state", "ON_HOLD")

    # When the manager resolves it with RETRY_TASK
    await row.get_by_test_id("open-resolve-fallout").click()
    await row.get_by_test_id("resolve-fallout-action").select_option("RETRY_TASK")
    await row.get_by_test_id("resolve-fallout-note").fill("Port profile fixed.")
    await row.get_by_test_id("action-resolve-fallout").click()

    # Then the fallout is resolved, its flag no longer open, and the task ready again
    await expect(row).to_have_attribute("data-state", "RESOLVED")
    await expect(node).to_have_attribute("data-state", "READY")
    await expect(node.get_by_test_id("fallout-flag")).to_have_attribute("data-open", "0")
    await expect(page.get_by_test_id("count-open-fallouts")).to_have_attribute("data-count", "0")


async def test_manager_fails_the_line_item_of_a_fallout_and_the_plan_shows_it_failed(
    page: Page, api: Api
) -> None:
    # Given a one-item order whose ready task is on hold with an open fallout
    plan = await api.in_progress_order("Fail Item Ltd")
    task = next(t for t in tasks_of(plan) if t["state"] == "READY" and t["kind"] == "MANUAL")
    fallout = await api.create_fallout(task["id"])
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])
    row = page.locator(f'[data-testid="fallout-row"][data-id="{fallout["id"]}"]')
    item_node = tree_node(page, "line-item", plan["lineItems"][0]["id"])

    # When the manager resolves it by failing the line item (the form says what that does)
    await row.get_by_test_id("open-resolve-fallout").click()
    option = row.locator('[data-testid="resolve-fallout-action"] option[value="FAIL_LINE_ITEM"]')
    await expect(option).to_contain_text("Fail the line item: the work cannot be done")
    await row.get_by_test_id("resolve-fallout-action").select_option("FAIL_LINE_ITEM")
    await row.get_by_test_id("resolve-fallout-note").fill("No duct to the premises.")
    await row.get_by_test_id("action-resolve-fallout").click()

    # Then the fallout is resolved so, the task cancelled, and the item and order FAILED,
    # the item's details saying why
    await expect(row).to_have_attribute("data-state", "RESOLVED")
    await expect(row.get_by_test_id("fallout-resolution")).to_contain_text("Line item failed")
    await expect(tree_node(page, "task", task["id"])).to_have_attribute("data-state", "CANCELLED")
    await expect(item_node).to_have_attribute("data-state", "FAILED")
    await expect(page.get_by_test_id("order-state")).to_have_attribute("data-state", "FAILED")
    await item_node.locator(".node-row").first.click()
    failure = page.get_by_test_id("item-failure")
    await expect(failure).to_contain_text("No duct to the premises.")
    await screenshot(page, "plan-failed")
