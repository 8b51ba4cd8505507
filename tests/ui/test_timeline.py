"""The plan's timeline: bars on the schedule, the critical path, jeopardy colours, live moves,
and the keyboard."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.async_api import Locator, Page, expect

from tests.ui.api import COMPLETE, START, Api, tasks_of
from tests.ui.conftest import SCREENSHOTS, open_plan, sign_in
from tests.ui.schedule import scheduled_order

LIVE_WITHIN_MS = 2000
SHIP_ONT = "Ship the ONT to the installer"  # 24 h, the first task of FIBRE_BROADBAND's chain
SURVEY = "Survey the premises for the fibre route"  # waits on it


async def late_order(api: Api, customer: str) -> Any:
    """Requested within 4 h, with about 28 h of work on its critical path."""
    return await scheduled_order(api, customer, timedelta(hours=4))


def named(plan: Any, name: str) -> Any:
    return next(t for t in tasks_of(plan) if t["name"] == name)


def bar(page: Page, task_id: str) -> Locator:
    return page.locator(f'[data-testid="timeline-bar"][data-id="{task_id}"]')


async def test_the_timeline_shows_the_schedule_and_moves_a_bar_when_a_task_completes_elsewhere(
    page: Page, api: Api
) -> None:
    # Given a late order whose first task agent2 has started, open on the manager's page
    plan = await late_order(api, "Timeline Ltd")
    ship, survey = named(plan, SHIP_ONT), named(plan, SURVEY)
    await api.mutate("agent2", START, "startTask", taskId=ship["id"])
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])

    # Then there is one bar per task, the critical path is marked on bars and arrows, and the
    # order and its late bars carry the jeopardy colour of their level
    await expect(page.get_by_test_id("timeline-bar")).to_have_count(len(tasks_of(plan)))
    await expect(bar(page, ship["id"])).to_have_attribute("data-critical", "true")
    await expect(bar(page, survey["id"])).to_have_attribute("data-critical", "true")
    critical_arrow = page.locator(
        f'[data-testid="timeline-arrow"][data-from="{ship["id"]}"][data-to="{survey["id"]}"]'
    )
    await expect(critical_arrow).to_have_attribute("data-critical", "true")
    await expect(page.get_by_test_id("order-jeopardy")).not_to_have_attribute(
        "data-jeopardy", "NONE"
    )
    late = page.locator(
        '[data-testid="timeline-bar"]:is([data-jeopardy="LATE"], [data-jeopardy="CRITICAL"])'
    )
    await expect(late.first).to_be_visible()
    level = (await late.first.get_attribute("data-jeopardy") or "").lower()
    fill, expected = await late.first.locator(".timeline-fill").evaluate(
        """(rect, level) => {
            const probe = document.createElement("span");
            probe.style.color = `var(--jeopardy-${level})`;
            document.body.append(probe);
            const colour = getComputedStyle(probe).color;
            probe.remove();
            return [getComputedStyle(rect).fill, colour];
        }""",
        level,
    )
    assert fill == expected
    await expect(late.first.get_by_test_id("timeline-flag")).to_have_text(
        level.replace("_", " ").capitalize()
    )
    await expect(page.get_by_test_id("timeline-now")).to_be_visible()
    await expect(page.get_by_test_id("timeline-requested")).to_be_visible()
    # and it says as of when its dates hold (the order's scheduledAt)
    await expect(page.get_by_test_id("timeline-as-of")).to_contain_text("Dates as of")
    await expect(page.get_by_test_id("timeline-as-of").locator("time")).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d\d-\d\dT")
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.get_by_test_id("timeline-card").screenshot(path=str(SCREENSHOTS / "timeline.png"))
    ship_end = await bar(page, ship["id"]).get_attribute("data-end")
    survey_x = await bar(page, survey["id"]).get_attribute("data-x") or ""

    # When agent2 completes the running task through the API, from another client
    await api.mutate("agent2", COMPLETE, "completeTask", taskId=ship["id"])

    # Then its bar ends now instead of a day later, and the task waiting on it moves earlier
    await expect(bar(page, ship["id"])).to_have_attribute(
        "data-state", "COMPLETED", timeout=LIVE_WITHIN_MS
    )
    await expect(bar(page, ship["id"])).not_to_have_attribute(
        "data-end", ship_end or "", timeout=LIVE_WITHIN_MS
    )
    await expect(bar(page, survey["id"])).not_to_have_attribute(
        "data-x", survey_x, timeout=LIVE_WITHIN_MS
    )
    assert float(await bar(page, survey["id"]).get_attribute("data-x") or "") < float(survey_x)


async def test_the_bars_are_worked_by_keyboard_and_enter_selects_the_task(
    page: Page, api: Api
) -> None:
    # Given the timeline of an approved order
    plan = await late_order(api, "Timeline Keys Ltd")
    ship, survey = named(plan, SHIP_ONT), named(plan, SURVEY)
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])
    bars = page.get_by_test_id("timeline-bar")
    await expect(bars).to_have_count(len(tasks_of(plan)))

    # When the user tabs onto the bars, goes down a row and back, follows the arrow out of
    # the ONT's shipping with Right, and presses Enter
    await bars.first.focus()
    await expect(bars.first).to_have_attribute("tabindex", "0")
    await page.keyboard.press("ArrowDown")
    await expect(bars.nth(1)).to_be_focused()
    await page.keyboard.press("ArrowUp")
    await expect(bars.first).to_be_focused()
    await bar(page, ship["id"]).focus()
    await page.keyboard.press("ArrowRight")
    await expect(bar(page, survey["id"])).to_be_focused()
    await page.keyboard.press("Enter")

    # Then that task is selected, as in the tree: its details show beside it
    await expect(page.get_by_test_id("details")).to_have_attribute(
        "data-key", f"task:{survey['id']}"
    )
    await expect(bar(page, survey["id"])).to_have_attribute("aria-current", "true")
    label = await bar(page, survey["id"]).get_attribute("aria-label") or ""
    assert survey["number"] in label and "critical path" in label
