"""A manager reviews an order's plan: the tree, its counts, its progress, the order list."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.ui.api import COMPLETE, START, Api, domain_orders_of, tasks_of
from tests.ui.conftest import nodes, open_plan, screenshot, sign_in, tree_node

AGENT1_GROUPS = {"field-operations", "logistics", "network-engineering"}


async def test_manager_sees_the_tree_with_its_counts_and_progress(page: Page, api: Api) -> None:
    # Given an in-progress order whose first task agent1 has completed
    plan = await api.in_progress_order("Tree Counts Ltd")
    first = next(
        t
        for t in tasks_of(plan)
        if t["state"] == "READY" and t["assignmentGroup"]["name"] in AGENT1_GROUPS
    )
    await api.mutate("agent1", START, "startTask", taskId=first["id"])
    await api.mutate("agent1", COMPLETE, "completeTask", taskId=first["id"])
    plan = await api.plan(plan["id"])

    # When the manager opens it
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])

    # Then the tree holds every line item, domain order and task, with the order's progress
    tasks, domain_orders = tasks_of(plan), domain_orders_of(plan)
    await expect(page.get_by_test_id("count-line-items")).to_have_attribute(
        "data-count", str(len(plan["lineItems"]))
    )
    await expect(page.get_by_test_id("count-domain-orders")).to_have_attribute(
        "data-count", str(len(domain_orders))
    )
    count_tasks = page.get_by_test_id("count-tasks")
    await expect(count_tasks).to_have_attribute("data-count", str(len(tasks)))
    await expect(nodes(page, "task")).to_have_count(len(tasks))
    await expect(nodes(page, "domain-order")).to_have_count(len(domain_orders))
    progress = page.get_by_test_id("order-progress").get_by_role("progressbar")
    await expect(progress).to_have_attribute("data-completed", "1")
    await expect(progress).to_have_attribute("data-total", str(len(tasks)))
    await expect(tree_node(page, "task", first["id"])).to_have_attribute("data-state", "COMPLETED")
    await screenshot(page, "plan-manager")


async def test_the_tree_is_an_aria_tree_worked_by_keyboard(page: Page, api: Api) -> None:
    # Given the plan of an in-progress order, open
    plan = await api.in_progress_order("Keyboard Ltd")
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])
    order_node = tree_node(page, "order", plan["id"])
    item_node = tree_node(page, "line-item", plan["lineItems"][0]["id"])
    await expect(order_node).to_have_attribute("aria-level", "1")
    await expect(item_node).to_have_attribute("aria-level", "2")

    # When the user focuses the order, moves down to the line item and closes it with Left
    await order_node.focus()
    await page.keyboard.press("ArrowDown")
    await expect(item_node).to_be_focused()
    await page.keyboard.press("ArrowLeft")

    # Then the line item is collapsed, its domain orders hidden, and Right opens it again
    await expect(item_node).to_have_attribute("aria-expanded", "false")
    await expect(nodes(page, "domain-order")).to_have_count(0)
    await page.keyboard.press("ArrowRight")
    await expect(item_node).to_have_attribute("aria-expanded", "true")
    await expect(page.get_by_test_id("details")).to_have_attribute("data-kind", "line-item")


async def test_order_list_filters_by_number_and_shows_state_and_progress(
    page: Page, api: Api
) -> None:
    # Given an in-progress order
    plan = await api.in_progress_order("Listed Ltd")
    await sign_in(page, "manager")
    await expect(page.get_by_test_id("order-row").first).to_be_visible()
    await screenshot(page, "order-list")

    # When the list is searched for its number
    await page.get_by_test_id("filter-number").fill(plan["number"])
    await page.get_by_test_id("filter-apply").click()

    # Then that order is the one row, with its state and a progress bar
    rows = page.get_by_test_id("order-row")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-number", plan["number"])
    state = rows.first.get_by_test_id("order-state")
    await expect(state).to_have_attribute("data-state", "IN_PROGRESS")
    await expect(rows.first.get_by_role("progressbar")).to_have_attribute("data-percent", "0")
