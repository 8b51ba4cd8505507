"""Browser tests of the Orchestration Plan UI: the built page, served by a real server, in
Debian's headless Chromium driven by Playwright (no browser download of its own).

Without Chromium or the built page (`make ui`) the tests skip locally and fail in CI
(REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, FloatRect, Locator, Page, async_playwright, expect

from tests.ui.api import Api
from tests.ui.server import ROOT, RunningServer, running_server

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
UI_DIST = ROOT / "ui" / "dist" / "index.html"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

pytestmark = pytest.mark.e2e


def unavailable(message: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    if not UI_DIST.exists():
        unavailable(f"the UI is not built ({UI_DIST} is missing): run `make ui`")
    with running_server(tmp_path_factory.mktemp("ui-server")) as server:
        yield server


@pytest.fixture(scope="session")
def api(ui_server: RunningServer) -> Api:
    client = Api(ui_server.url)
    # The automation service account, for tests that do an automated task as a worker would.
    client.use_token("automation", ui_server.command("token", "automation"))
    return client


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest_asyncio.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@pytest_asyncio.fixture
async def page(browser: Browser, ui_server: RunningServer) -> AsyncIterator[Page]:
    context = await browser.new_context(
        base_url=ui_server.url, viewport={"width": 1440, "height": 1000}
    )
    page = await context.new_page()
    try:
        yield page
    finally:
        await context.close()


async def sign_in(page: Page, username: str) -> None:
    """Sign in through the demo user list, as a person would, and land on the order list."""
    await page.goto("/ui/#/sign-in")
    await page.get_by_test_id(f"demo-user-{username}").click()
    await expect(page.get_by_test_id("current-user")).to_have_attribute("data-username", username)
    await expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "live")


async def open_plan(page: Page, order_id: str) -> None:
    await page.goto(f"/ui/#/orders/{order_id}")
    await expect(page.get_by_test_id("plan-tree")).to_be_visible()


def tree_node(page: Page, kind: str, node_id: str) -> Locator:
    return page.locator(f'[data-testid="tree-node"][data-kind="{kind}"][data-id="{node_id}"]')


def nodes(page: Page, kind: str) -> Locator:
    return page.locator(f'[data-testid="tree-node"][data-kind="{kind}"]')


async def screenshot(
    page: Page, name: str, *, full_page: bool = True, height: int | None = None
) -> Path:
    """The page (the whole of it, or the window) as artifacts/screenshots/NAME.png; with
    `height`, its top that many pixels high, at the window's width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if height is None:
        await page.screenshot(path=str(path), full_page=full_page)
        return path
    size = page.viewport_size
    assert size is not None
    clip = FloatRect(x=0, y=0, width=size["width"], height=height)
    await page.screenshot(path=str(path), full_page=True, clip=clip)
    return path
