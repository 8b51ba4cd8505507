"""A manager reviews an order's plan: the tree, its counts, its progress, the order list."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.ui.api import Api, domain_orders_of, tasks_of
from tests.ui.conftest import nodes, open_plan, screenshot, sign_in, tree_node

IN_PROGRESS_DEMO_CUSTOMER = "Northwind Logistics"


async def test_manager_sees_the_tree_with_its_counts_and_progress(page: Page, api: Api) -> None:
    # Given the demo data's in-progress order (two line items, some tasks done)
    plan = await api.order_of(IN_PROGRESS_DEMO_CUSTOMER)
    tasks, domain_orders = tasks_of(plan), domain_orders_of(plan)
    done = [t for t in tasks if t["state"] in ("COMPLETED", "SKIPPED")]
    assert plan["state"] == "IN_PROGRESS" and done

    # When the manager opens it
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])

    # Then the tree holds every line item, domain order and task, with the order's progress
    await expect(page.get_by_test_id("count-line-items")).to_have_attribute(
        "data-count", str(len(plan["lineItems"]))
    )
    await expect(page.get_by_test_id("count-domain-orders")).to_have_attribute(
        "data-count", str(len(domain_orders))
    )
    await expect(page.get_by_test_id("count-tasks")).to_have_attribute(
        "data-count", str(len(tasks))
    )
    await expect(nodes(page, "line-item")).to_have_count(len(plan["lineItems"]))
    await expect(nodes(page, "domain-order")).to_have_count(len(domain_orders))
    await expect(nodes(page, "task")).to_have_count(len(tasks))
    progress = page.get_by_test_id("order-progress").get_by_role("progressbar")
    await expect(progress).to_have_attribute("data-completed", str(len(done)))
    await expect(progress).to_have_attribute("data-total", str(len(tasks)))
    for task in done:
        await expect(tree_node(page, "task", task["id"])).to_have_attribute(
            "data-state", task["state"]
        )
    await screenshot(page, "plan-manager-full")
    waiting = next(t for t in tasks if t["dependsOn"])
    await tree_node(page, "task", waiting["id"]).locator(".node-row").click()
    await expect(page.get_by_test_id("waits-on")).to_have_attribute(
        "data-count", str(len(waiting["dependsOn"]))
    )
    # the top of the page, the task selected: the order, its timeline, the tree beginning
    # (README: docs/screenshots/plan.png)
    await page.evaluate("window.scrollTo(0, 0)")
    await screenshot(page, "plan-manager", height=1700)


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
