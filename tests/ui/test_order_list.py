"""The order list: filtered by state and customer, paged."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.ui.api import Api
from tests.ui.conftest import sign_in

PAGE_SIZE = 20


async def test_the_list_filters_by_customer_and_pages(page: Page, api: Api) -> None:
    # Given one more order of a customer than fit on a page
    for _ in range(PAGE_SIZE + 1):
        await api.submit_order("Many Orders Ltd")
    await sign_in(page, "manager")

    # When the list is filtered by that customer
    await page.get_by_test_id("filter-customer").fill("Many Orders Ltd")
    await page.get_by_test_id("filter-apply").click()

    # Then it pages through them: a full page, then the one left, then back
    rows = page.get_by_test_id("order-row")
    await expect(page.get_by_test_id("order-count")).to_have_attribute(
        "data-total", str(PAGE_SIZE + 1)
    )
    await expect(rows).to_have_count(PAGE_SIZE)
    await page.get_by_test_id("page-next").click()
    await expect(rows).to_have_count(1)
    await expect(page.get_by_test_id("page-next")).to_be_disabled()
    await page.get_by_test_id("page-previous").click()
    await expect(rows).to_have_count(PAGE_SIZE)


async def test_the_list_filters_by_state(page: Page, api: Api) -> None:
    # Given the demo data, with a rejected order among others
    rejected = await api.count_orders("REJECTED")
    assert rejected > 0
    await sign_in(page, "manager")

    # When the list is filtered to rejected orders
    await page.get_by_test_id("filter-state").select_option("REJECTED")
    await page.get_by_test_id("filter-apply").click()

    # Then only rejected orders are listed
    rows = page.get_by_test_id("order-row")
    await expect(page).to_have_url(re.compile(r"state=REJECTED"))
    await expect(page.get_by_test_id("order-count")).to_have_attribute("data-total", str(rejected))
    await expect(rows).to_have_count(rejected)
    for row in await rows.all():
        await expect(row).to_have_attribute("data-state", "REJECTED")
