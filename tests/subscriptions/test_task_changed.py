"""taskChanged: every change to a task, with the task as it is after it."""

from __future__ import annotations

from models import ServiceOrder, Task, User
from models.enums import TaskState
from services.orders.cancel import cancel_service_order
from services.tasks import complete_task, reassign_task, start_task
from tests.api.mutations.helpers import order_id, ready_task, user_id
from tests.services.task_plans import approved_order, work_task
from tests.subscriptions.live_server import LiveServer

TASK_CHANGED = """subscription($filter: TaskEventFilter, $after: String) {
  taskChanged(filter: $filter, after: $after) {
    cursor kind occurredAt previousState newState actor { username }
    task { id number state assignee { username } }
  }
}"""


async def test_a_started_task_is_delivered_with_its_change_and_its_new_state(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    task, agent = await ready_task(users)
    client = await server.client("viewer")
    await client.subscribe_and_wait("1", TASK_CHANGED)

    # when
    await start_task(agent, task.id)

    # then
    event = (await client.next_data("1"))["taskChanged"]
    assert event["kind"] == "task.started"
    assert (event["previousState"], event["newState"]) == ("READY", "IN_PROGRESS")
    assert event["actor"] == {"username": agent.username}
    assert event["task"]["number"] == task.number
    assert event["task"]["state"] == "IN_PROGRESS"
    assert event["task"]["assignee"] == {"username": agent.username}
    assert event["cursor"] and event["occurredAt"]
    await client.close()


async def test_the_service_order_filter_passes_only_that_orders_tasks(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    wanted = await approved_order(users, "MOBILE_LINE")
    other = await approved_order(users, "MOBILE_LINE")
    client = await server.client("viewer")
    await client.subscribe_and_wait(
        "1", TASK_CHANGED, {"filter": {"serviceOrderId": order_id(wanted)}}
    )

    # when a task of the other order changes, then one of the wanted order
    await _reassign_a_ready_task(other, users["manager"], users["agent1"])
    number = await _reassign_a_ready_task(wanted, users["manager"], users["agent1"])

    # then
    event = (await client.next_data("1"))["taskChanged"]
    assert event["task"]["number"] == number
    await client.close()


async def test_the_assignee_filter_passes_only_tasks_assigned_to_that_user(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    order = await approved_order(users, "MOBILE_LINE")
    client = await server.client("viewer")
    await client.subscribe_and_wait(
        "1", TASK_CHANGED, {"filter": {"assigneeId": user_id(users["agent2"])}}
    )

    # when
    await _reassign_a_ready_task(order, users["manager"], users["agent1"])
    number = await _reassign_a_ready_task(order, users["manager"], users["agent2"])

    # then
    event = (await client.next_data("1"))["taskChanged"]
    assert (event["task"]["number"], event["task"]["assignee"]) == (
        number,
        {"username": "agent2"},
    )
    await client.close()


async def test_the_assignee_filter_takes_me_for_the_subscriber(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    order = await approved_order(users, "MOBILE_LINE")
    client = await server.client("agent2")
    await client.subscribe_and_wait("1", TASK_CHANGED, {"filter": {"assigneeId": "me"}})

    # when
    await _reassign_a_ready_task(order, users["manager"], users["agent1"])
    number = await _reassign_a_ready_task(order, users["manager"], users["agent2"])

    # then
    assert (await client.next_data("1"))["taskChanged"]["task"]["number"] == number
    await client.close()


async def test_the_states_filter_passes_only_changes_that_end_in_those_states(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given
    task, agent = await ready_task(users)
    client = await server.client("viewer")
    await client.subscribe_and_wait("1", TASK_CHANGED, {"filter": {"states": ["COMPLETED"]}})

    # when
    await start_task(agent, task.id)
    await complete_task(agent, task.id)

    # then
    event = (await client.next_data("1"))["taskChanged"]
    assert (event["kind"], event["newState"]) == ("task.completed", "COMPLETED")
    await client.close()


async def test_a_cancelled_task_reaches_its_assignee(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given an agent following their own tasks, one of which they started
    task, agent = await ready_task(users)
    await start_task(agent, task.id)
    client = await server.client(agent.username)
    await client.subscribe_and_wait("1", TASK_CHANGED, {"filter": {"assigneeId": "me"}})

    # when the manager cancels its order
    await cancel_service_order(users["manager"], task.service_order_id, "Customer withdrew")

    # then
    event = (await client.next_data("1"))["taskChanged"]
    assert (event["kind"], event["previousState"], event["newState"]) == (
        "task.cancelled",
        "IN_PROGRESS",
        "CANCELLED",
    )
    assert (event["task"]["number"], event["actor"]) == (task.number, {"username": "manager"})
    await client.close()


async def _reassign_a_ready_task(order: ServiceOrder, manager: User, to: User) -> str:
    """Reassign one of `order`'s READY tasks not yet assigned; its number."""
    task = await Task.filter(
        service_order_id=order.id, state=TaskState.READY, assignee_id=None
    ).first()
    assert task is not None
    await reassign_task(manager, task.id, to.id, "test")
    return task.number


async def test_a_worker_hears_of_the_tasks_of_its_handlers_that_become_ready(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given a worker of demo.configure_network following its READY tasks
    order = await approved_order(users, "MOBILE_LINE")
    client = await server.client("automation")
    await client.subscribe_and_wait(
        "1",
        TASK_CHANGED,
        {"filter": {"handlers": ["demo.configure_network"], "states": ["READY"]}},
    )

    # when the leaves are done, the subscriber registration (demo.configure_network) is READY
    for name in (
        "Allocate a SIM from stock",
        "Reserve the mobile number",
        "Dispatch the SIM to the customer",
    ):
        await work_task(await Task.get(service_order_id=order.id, name=name), users)

    # then that is the one event the worker gets
    event = (await client.next_data("1"))["taskChanged"]
    assert (event["kind"], event["newState"]) == ("task.ready", "READY")
    assert (
        event["task"]["number"]
        == (
            await Task.get(service_order_id=order.id, name="Register the subscriber in the HSS")
        ).number
    )
    await client.close()
