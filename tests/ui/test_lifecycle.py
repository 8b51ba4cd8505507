"""An order's life after submission on the plan page: cancel with compensation, hold and
resume, a revision seen live on another open page, and a MODIFY item's before → after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser, Page, expect

from tests.ui.api import Api, tasks_of
from tests.ui.conftest import nodes, open_plan, screenshot, sign_in, tree_node
from tests.ui.lifecycle_api import (
    AGENT1_GROUPS,
    active_product,
    lifecycle_plan,
    submit,
    work,
    work_compensations,
)
from tests.ui.server import RunningServer


@asynccontextmanager
async def another_page(browser: Browser, server: RunningServer) -> AsyncIterator[Page]:
    """A second person's browser, beside the test's `page`."""
    context = await browser.new_context(
        base_url=server.url, viewport={"width": 1440, "height": 1000}
    )
    try:
        yield await context.new_page()
    finally:
        await context.close()


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


async def test_holding_an_order_shows_held_and_hides_start_on_an_agents_page(
    page: Page, api: Api, browser: Browser, ui_server: RunningServer
) -> None:
    # Given agent1's page open on a READY task of theirs, start offered
    plan = await api.in_progress_order("Hold Me Ltd")
    task = next(
        t
        for t in tasks_of(plan)
        if t["state"] == "READY" and t["assignmentGroup"]["name"] in AGENT1_GROUPS
    )
    await sign_in(page, "agent1")
    await open_plan(page, plan["id"])
    await tree_node(page, "task", task["id"]).locator(".node-row").click()
    await expect(page.get_by_test_id("action-start")).to_be_visible()

    async with another_page(browser, ui_server) as manager:
        # When the manager holds the order from their page, with a reason
        await sign_in(manager, "manager")
        await open_plan(manager, plan["id"])
        await manager.get_by_test_id("open-hold").click()
        await manager.get_by_test_id("hold-reason").fill("Waiting for the street works permit.")
        await manager.get_by_test_id("action-hold").click()

        # Then both pages show it HELD, and the agent is no longer offered start
        await expect(manager.get_by_test_id("order-state")).to_have_attribute("data-state", "HELD")
        await expect(page.get_by_test_id("order-state")).to_have_attribute("data-state", "HELD")
        await expect(page.get_by_test_id("action-start")).to_have_count(0)
        await screenshot(manager, "plan-held")

        # And when the manager resumes it, start is offered again
        await manager.get_by_test_id("action-resume").click()
        await expect(page.get_by_test_id("order-state")).to_have_attribute(
            "data-state", "IN_PROGRESS"
        )
        await expect(page.get_by_test_id("action-start")).to_be_visible()


async def add_a_mobile_line(page: Page, reason: str) -> None:
    """The manager's revision form: a new line for a mobile line, sent with `reason`."""
    await page.get_by_test_id("open-revise").click()
    await page.get_by_test_id("revision-add-line").click()
    added = page.get_by_test_id("revision-line").last
    await added.get_by_test_id("revision-product").select_option("MOBILE_LINE")
    await page.get_by_test_id("revision-reason").fill(reason)
    await page.get_by_test_id("action-revise").click()


async def test_a_revision_before_approval_appears_on_another_open_page(
    page: Page, api: Api, browser: Browser, ui_server: RunningServer
) -> None:
    # Given a viewer's page open on a new order of one line item
    order = await api.submit_order("Revise New Ltd")
    await sign_in(page, "viewer")
    await open_plan(page, order["id"])
    await expect(page.get_by_test_id("order-revision")).to_have_attribute("data-revision", "0")

    async with another_page(browser, ui_server) as manager:
        await sign_in(manager, "manager")
        await open_plan(manager, order["id"])
        # When the manager sends a revision without a reason, then with one
        await add_a_mobile_line(manager, "")
        error = manager.locator(f'[data-testid="action-error"][data-action="revise:{order["id"]}"]')
        await expect(error.locator(".error")).to_have_attribute("data-code", "VALIDATION")
        await manager.get_by_test_id("revision-reason").fill("The customer adds a mobile line.")
        await manager.get_by_test_id("action-revise").click()
        await expect(manager.get_by_test_id("revision-form")).to_have_count(0)

    # Then the refusal was shown beside the form, and the viewer's page shows the new item
    await expect(page.get_by_test_id("count-line-items")).to_have_attribute("data-count", "2")
    await expect(page.get_by_test_id("order-revision")).to_have_attribute("data-revision", "1")


async def test_a_revision_in_flight_adds_an_item_whose_tasks_appear_on_another_open_page(
    page: Page, api: Api, browser: Browser, ui_server: RunningServer
) -> None:
    # Given a viewer's page open on an in-progress order of one line item
    order = await api.in_progress_order("Revise Live Ltd")
    before = await lifecycle_plan(api, order["id"])
    await sign_in(page, "viewer")
    await open_plan(page, order["id"])
    await expect(page.get_by_test_id("count-line-items")).to_have_attribute("data-count", "1")

    async with another_page(browser, ui_server) as manager:
        # When the manager revises it from their page, adding a mobile line
        await sign_in(manager, "manager")
        await open_plan(manager, order["id"])
        await add_a_mobile_line(manager, "The customer adds a mobile line.")
        await expect(manager.get_by_test_id("revision-form")).to_have_count(0)

    # Then the viewer's page shows the new item and its tasks, without a reload
    after = await lifecycle_plan(api, order["id"])
    assert after["revision"] == before["revision"] + 1
    new_item = next(i for i in after["lineItems"] if i["specification"]["code"] == "MOBILE_LINE")
    assert any(d["tasks"] for d in new_item["domainOrders"])
    await expect(tree_node(page, "line-item", new_item["id"])).to_be_visible()
    await expect(nodes(page, "task")).to_have_count(len(tasks_of(after)))
    await expect(page.get_by_test_id("order-revision")).to_have_attribute(
        "data-revision", str(after["revision"])
    )


async def test_a_modify_item_shows_its_product_characteristics_before_and_after(
    page: Page, api: Api
) -> None:
    # Given a customer's ACTIVE dual-stack broadband, and an order to make it IPv4 only
    customer = "Modify Me Ltd"
    product = await active_product(api, customer, {"ipVersion": "DUAL"})
    order = await submit(
        api,
        customer,
        {
            "action": "MODIFY",
            "characteristics": {"ipVersion": "IPV4"},
            "soldProductId": product["id"],
        },
    )
    await sign_in(page, "manager")

    # When the manager lists the customer's MODIFY orders, opens it and selects its item
    await page.get_by_test_id("filter-customer").fill(customer)
    await page.get_by_test_id("filter-action").select_option("MODIFY")
    await page.get_by_test_id("filter-apply").click()
    rows = page.get_by_test_id("order-row")
    await expect(rows).to_have_count(1)
    await rows.get_by_test_id("order-link").click()
    plan = await lifecycle_plan(api, order["id"])
    await tree_node(page, "line-item", plan["lineItems"][0]["id"]).locator(".node-row").click()

    # Then the details show the product's characteristic before and the item's after
    change = page.locator('[data-testid="characteristic-change"][data-name="ipVersion"]')
    await expect(change).to_have_attribute("data-changed", "true")
    await expect(change.get_by_test_id("before")).to_have_text("DUAL")
    await expect(change.get_by_test_id("after")).to_have_text("IPV4")
