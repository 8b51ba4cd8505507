"""An order's life after submission on the plan page: cancel with compensation."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.ui.api import Api, tasks_of
from tests.ui.conftest import open_plan, screenshot, sign_in, tree_node
from tests.ui.lifecycle_api import lifecycle_plan, work, work_compensations


async def test_cancelling_an_item_shows_it_cancelling_then_cancelled(page: Page, api: Api) -> None:
    # Given an in-progress order whose ready tasks (none a point of no return) are done
    order = await api.in_progress_order("Cancel Item Ltd")
    plan = await lifecycle_plan(api, order["id"])
    for task in tasks_of(plan):
        if task["state"] == "READY" and not task["isPointOfNoReturn"]:
            await work(api, task)
    item = plan["lineItems"][0]
    await sign_in(page, "manager")
    await open_plan(page, order["id"])
    item_node = tree_node(page, "line-item", item["id"])

    # When the manager cancels its line item from the page, with a reason
    await item_node.locator(".node-row").first.click()
    await page.get_by_test_id("open-cancel-item").click()
    await page.get_by_test_id("cancel-item-reason").fill("The customer moved away.")
    await page.get_by_test_id("action-cancel-item").click()

    # Then the item is CANCELLING while its compensating tasks (marked) undo the work done
    await expect(item_node).to_have_attribute("data-state", "CANCELLING")
    await expect(page.get_by_test_id("compensating-mark").first).to_be_visible()
    await expect(page.get_by_test_id("order-state")).to_have_attribute("data-state", "CANCELLING")

    # And once an agent has done them, the item and the order are CANCELLED
    assert await work_compensations(api, order["id"]) > 0
    await expect(item_node).to_have_attribute("data-state", "CANCELLED")
    await expect(page.get_by_test_id("order-state")).to_have_attribute("data-state", "CANCELLED")
    await expect(page.get_by_test_id("lifecycle-actions")).to_have_count(0)
    await screenshot(page, "plan-cancelled")
