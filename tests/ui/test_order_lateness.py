"""The order list shows expected against requested completion and jeopardy, most late first
on request."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import Page, expect

from tests.ui.api import Api
from tests.ui.conftest import screenshot, sign_in
from tests.ui.schedule import scheduled_order

CUSTOMER = "Lateness Sort Ltd"


async def test_the_list_shows_lateness_and_sorts_the_most_late_first(page: Page, api: Api) -> None:
    # Given a customer's late order, then a newer one of theirs requested in a week
    late = await scheduled_order(api, CUSTOMER, timedelta(hours=4))
    on_time = await scheduled_order(api, CUSTOMER, timedelta(days=7))
    await sign_in(page, "manager")
    await page.get_by_test_id("filter-customer").fill(CUSTOMER)
    await page.get_by_test_id("filter-apply").click()
    rows = page.get_by_test_id("order-row")
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_have_attribute("data-id", on_time["id"])  # newest first

    # Then each row shows its dates and jeopardy: the late one later than requested
    late_row = page.locator(f'[data-testid="order-row"][data-id="{late["id"]}"]')
    await expect(late_row.get_by_test_id("order-jeopardy")).not_to_have_attribute(
        "data-jeopardy", "NONE"
    )
    await expect(late_row.get_by_test_id("order-requested").locator("time")).to_be_visible()
    await expect(late_row.get_by_test_id("lateness")).to_contain_text("late")
    on_time_row = page.locator(f'[data-testid="order-row"][data-id="{on_time["id"]}"]')
    await expect(on_time_row.get_by_test_id("order-jeopardy")).to_have_attribute(
        "data-jeopardy", "NONE"
    )

    # When the user sorts by lateness
    await page.get_by_test_id("sort-by-lateness").click()

    # Then the late order comes first, and the column says how the list is sorted
    await expect(page).to_have_url(re.compile(r"sort=late"))
    await expect(rows.first).to_have_attribute("data-id", late["id"])
    await expect(page.get_by_test_id("sort-lateness")).to_have_attribute("aria-sort", "descending")
    await screenshot(page, "order-list-lateness", full_page=False)

    # And filtering to LATE or worse leaves only the late one
    await page.get_by_test_id("filter-jeopardy").select_option("LATE")
    await page.get_by_test_id("filter-apply").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-id", late["id"])
