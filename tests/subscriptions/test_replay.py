"""Replay: a client that comes back with the cursor of the last event it saw misses nothing."""

from __future__ import annotations

from models import Event, Task, User
from models.enums import TaskState
from services.events.cursor import decode_cursor, encode_cursor
from services.tasks import complete_task, reassign_task, start_task
from tests.api.mutations.helpers import ready_task
from tests.subscriptions.live_server import LiveServer

TASK_CHANGED = """subscription($after: String) {
  taskChanged(after: $after) { cursor kind task { number } }
}"""


async def test_a_client_back_with_its_last_cursor_gets_what_it_missed_then_the_live_changes(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given a client that saw one change and went away
    task, agent = await ready_task(users)
    client = await server.client("viewer")
    await client.subscribe_and_wait("1", TASK_CHANGED)
    await start_task(agent, task.id)
    last_seen = (await client.next_data("1"))["taskChanged"]["cursor"]
    await client.close()
    # ...while the task was completed (which may ready its successors)
    await complete_task(agent, task.id)
    missed = [
        encode_cursor(event.id)
        for event in await Event.filter(entity_type="task", id__gt=decode_cursor(last_seen))
    ]
    assert missed

    # when it subscribes again after its last cursor, and one more change happens
    client = await server.client("viewer")
    await client.subscribe("1", TASK_CHANGED, {"after": last_seen})
    replayed = [(await client.next_data("1"))["taskChanged"]["cursor"] for _ in missed]
    other = await Task.filter(
        service_order_id=task.service_order_id, state=TaskState.READY, assignee_id=None
    ).first()
    assert other is not None
    await reassign_task(users["manager"], other.id, users["agent2"].id, "cover")

    # then it got every missed change, in order, then the new one, once
    assert replayed == missed
    live = (await client.next_data("1"))["taskChanged"]
    assert (live["kind"], live["task"]["number"]) == ("task.reassigned", other.number)
    assert live["cursor"] not in replayed
    await client.close()


async def test_a_cursor_past_the_newest_event_is_an_error_of_that_operation(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given events up to some id, and a cursor beyond it (never issued)
    await ready_task(users)
    newest = await Event.all().order_by("-id").first()
    assert newest is not None
    client = await server.client("viewer")

    # when a client subscribes after it
    await client.subscribe("1", TASK_CHANGED, {"after": encode_cursor(newest.id + 1)})

    # then the operation ends with a coded error, instead of waiting silently
    message = await client.receive()
    assert message["type"] == "next"
    [error] = message["payload"]["errors"]
    assert error["extensions"]["code"] == "VALIDATION"
    assert await client.receive() == {"id": "1", "type": "complete"}
    await client.close()


async def test_a_cursor_of_the_newest_event_is_accepted(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given the newest event's cursor
    task, agent = await ready_task(users)
    newest = await Event.all().order_by("-id").first()
    assert newest is not None
    client = await server.client("viewer")
    await client.subscribe("1", TASK_CHANGED, {"after": encode_cursor(newest.id)})

    # when a change happens, then it is delivered
    await start_task(agent, task.id)
    assert (await client.next_data("1"))["taskChanged"]["kind"] == "task.started"
    await client.close()
