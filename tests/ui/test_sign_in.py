"""Signing in: a pasted token, or a demo user from the list."""

from __future__ import annotations

import asyncio

from playwright.async_api import Page, expect

from tests.ui.server import RunningServer


async def test_a_pasted_token_signs_in(page: Page, ui_server: RunningServer) -> None:
    # Given a token printed by the command line for agent1
    token = await asyncio.to_thread(ui_server.command, "token", "agent1")

    # When it is pasted into the sign-in form
    await page.goto("/ui/")
    await page.get_by_test_id("token-input").fill(token)
    await page.get_by_test_id("token-submit").click()

    # Then the page is agent1's, on the order list
    await expect(page.get_by_test_id("current-user")).to_have_attribute("data-username", "agent1")
    await expect(page.get_by_test_id("order-table")).to_be_visible()


async def test_a_bad_token_is_refused_with_a_message(page: Page) -> None:
    # Given the sign-in page
    await page.goto("/ui/")

    # When a token that is not one is pasted
    await page.get_by_test_id("token-input").fill("not-a-token")
    await page.get_by_test_id("token-submit").click()

    # Then the page says so and nobody is signed in
    await expect(page.get_by_test_id("sign-in-error")).not_to_be_empty()
    await expect(page.get_by_test_id("current-user")).to_have_count(0)


async def test_demo_mode_lists_the_demo_users(page: Page) -> None:
    # Given a server in demo mode
    # When the sign-in page opens
    await page.goto("/ui/")

    # Then every demo user is offered
    for username in ("manager", "agent1", "agent2", "viewer", "partner", "admin"):
        await expect(page.get_by_test_id(f"demo-user-{username}")).to_be_visible()
