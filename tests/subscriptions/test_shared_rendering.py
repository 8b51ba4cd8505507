"""Subscribers of one change share its rendering only when they would see the same: each still
gets what it may do to the task (viewerCan), and two subscribers with the same view get the
same rendering."""

from __future__ import annotations

from models import User
from services.tasks import start_task
from tests.api.mutations.helpers import ready_task, task_id
from tests.subscriptions.live_server import LiveServer

TASK_CHANGED = """subscription($filter: TaskEventFilter) {
  taskChanged(filter: $filter) {
    kind task { id state viewerCan { start complete reassign createFallout } }
  }
}"""


async def test_each_subscriber_gets_what_it_may_do_to_the_changed_task(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    task, agent = await ready_task(users)
    watchers = {name: await server.client(name) for name in (agent.username, "manager", "viewer")}
    for client in watchers.values():
        await client.subscribe_and_wait("1", TASK_CHANGED)

    # when
    await start_task(agent, task.id)

    # then
    seen = {name: (await c.next_data("1"))["taskChanged"] for name, c in watchers.items()}
    assert {event["task"]["id"] for event in seen.values()} == {task_id(task)}
    assert seen[agent.username]["task"]["viewerCan"]["complete"] is True
    assert seen["manager"]["task"]["viewerCan"] == {
        "start": False,
        "complete": False,
        "reassign": True,
        "createFallout": True,
    }
    assert not any(seen["viewer"]["task"]["viewerCan"].values())
    for client in watchers.values():
        await client.close()


async def test_subscribers_with_the_same_view_get_the_same_rendering(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    task, agent = await ready_task(users)
    first, second = await server.client("viewer"), await server.client("viewer")
    await first.subscribe_and_wait("1", TASK_CHANGED)
    await second.subscribe_and_wait("1", TASK_CHANGED)

    # when
    await start_task(agent, task.id)

    # then
    assert await first.next_data("1") == await second.next_data("1")
    await first.close()
    await second.close()
