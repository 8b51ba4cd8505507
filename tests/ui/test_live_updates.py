"""The open page follows changes made by anyone else, and resumes after losing its socket."""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from typing import Any

from playwright.async_api import Page, WebSocketRoute, expect

from tests.ui.api import START, Api, tasks_of
from tests.ui.conftest import open_plan, sign_in, tree_node

AGENT2_GROUPS = {"billing", "logistics", "network-engineering", "provisioning"}
LIVE_WITHIN_MS = 2000


def ready_task_of_agent2(plan: Any) -> Any:
    return next(
        t
        for t in tasks_of(plan)
        if t["state"] == "READY"
        and t["kind"] == "MANUAL"
        and t["assignmentGroup"]["name"] in AGENT2_GROUPS
    )


async def test_a_change_through_the_api_appears_within_two_seconds(page: Page, api: Api) -> None:
    # Given the manager's page open on an in-progress order
    plan = await api.in_progress_order("Live Change Ltd")
    task = ready_task_of_agent2(plan)
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])
    node = tree_node(page, "task", task["id"])
    await expect(node).to_have_attribute("data-state", "READY")

    # When agent2 starts a task through the API, from another client
    await api.mutate("agent2", START, "startTask", taskId=task["id"])

    # Then the open page shows it without a reload
    await expect(node).to_have_attribute("data-state", "IN_PROGRESS", timeout=LIVE_WITHIN_MS)
    await expect(node.get_by_test_id("task-assignee")).to_contain_text("agent2")


async def test_a_fallout_created_through_the_api_shows_its_flag(page: Page, api: Api) -> None:
    # Given the manager's page open on an in-progress order, with no fallout
    plan = await api.in_progress_order("Fallout Flag Ltd")
    task = tasks_of(plan)[0]
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])
    node = tree_node(page, "task", task["id"])
    await expect(node.get_by_test_id("fallout-flag")).to_have_count(0)

    # When a fallout is reported on one of its tasks through the API
    fallout = await api.create_fallout(task["id"])

    # Then the task carries the flag, goes on hold, and the fallout panel lists the record
    await expect(node.get_by_test_id("fallout-flag")).to_have_attribute("data-open", "1")
    await expect(node).to_have_attribute("data-state", "ON_HOLD")
    row = page.locator(f'[data-testid="fallout-row"][data-id="{fallout["id"]}"]')
    await expect(row).to_have_attribute("data-state", "OPEN")
    await expect(page.get_by_test_id("count-open-fallouts")).to_have_attribute("data-count", "1")


class Relay:
    """Stands between the page and the server's socket: records what passes, can drop it,
    and holds every later connection until the test lets it through."""

    def __init__(self) -> None:
        self.sockets: list[WebSocketRoute] = []
        self.reconnect = asyncio.Event()
        self.subscribes: list[dict[str, Any]] = []
        self.last_cursor: dict[str, str] = {}
        self.seen: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self._fields: dict[str, str] = {}

    async def __call__(self, socket: WebSocketRoute) -> None:
        self.sockets.append(socket)
        if len(self.sockets) > 1:
            await self.reconnect.wait()
        server = socket.connect_to_server()

        def from_page(message: str | bytes) -> None:
            decoded = json.loads(message)
            if decoded.get("type") == "subscribe":
                self.subscribes.append(decoded["payload"])
                field = re.search(r"\{\s*(\w+)\(", decoded["payload"]["query"])
                self._fields[decoded["id"]] = field.group(1) if field else ""
            server.send(message)

        def from_server(message: str | bytes) -> None:
            decoded = json.loads(message)
            if decoded.get("type") == "next":
                field = self._fields.get(decoded["id"], "")
                event = (decoded["payload"].get("data") or {}).get(field)
                if event:
                    self.last_cursor[field] = event["cursor"]
                    self.seen[field].set()
            socket.send(message)

        socket.on_message(from_page)
        server.on_message(from_server)

    def resumed_after(self, field: str, since: int) -> list[str | None]:
        return [p["variables"].get("after") for p in self.subscribes[since:] if field in p["query"]]


async def test_a_lost_connection_is_shown_and_resumed_from_the_last_cursor(
    page: Page, api: Api
) -> None:
    # Given the page's socket passes through a relay, and the page has seen a fallout event
    relay = Relay()
    await page.route_web_socket(re.compile(r".*/graphql$"), relay)
    plan = await api.in_progress_order("Reconnect Ltd")
    # Two READY tasks to report fallout on (a manager may on automated tasks as on manual ones)
    first, second = [t for t in tasks_of(plan) if t["state"] == "READY"][:2]
    await sign_in(page, "manager")
    await open_plan(page, plan["id"])
    fallout = await api.create_fallout(first["id"])
    await expect(
        page.locator(f'[data-testid="fallout-row"][data-id="{fallout["id"]}"]')
    ).to_be_visible()
    await asyncio.wait_for(relay.seen["falloutChanged"].wait(), timeout=5)
    seen = relay.last_cursor["falloutChanged"]

    # When the socket drops, a change is made while the page is away, then the socket returns
    await relay.sockets[0].close(code=1011, reason="the test drops the connection")
    await expect(page.get_by_test_id("connection-status")).to_have_attribute(
        "data-state", "disconnected"
    )
    await api.create_fallout(second["id"])
    since = len(relay.subscribes)
    relay.reconnect.set()

    # Then the page is live again, resumed after the last event it saw, and shows the change
    await expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "live")
    await expect(tree_node(page, "task", second["id"])).to_have_attribute("data-state", "ON_HOLD")
    assert relay.resumed_after("falloutChanged", since) == [seen]
