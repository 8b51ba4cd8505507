"""holdServiceOrder and resumeServiceOrder: a manager stops an order's work and lets it go on."""

from __future__ import annotations

from typing import Any

from models import Event, LineItem, ServiceOrder, Task
from models.enums import TaskKind, TaskState
from services.orders import hold_service_order, resume_service_order
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import (
    Users,
    in_progress_order,
    order_id,
    refused,
    started_task,
    succeeded,
    task_id,
)
from tests.fake_clock import FakeClock
from tests.services.automation.plans import WORKER
from tests.services.task_plans import agent_for, finish_either, snapshot, start_either

ORDER = """
    serviceOrder { state version heldFrom heldAt viewerCan { hold resume } }
    userErrors { code message field }
"""
HOLD = f"""
mutation Hold($input: HoldServiceOrderInput!) {{ holdServiceOrder(input: $input) {{ {ORDER} }} }}"""
RESUME = f"""
mutation Resume($input: ResumeServiceOrderInput!) {{
  resumeServiceOrder(input: $input) {{ {ORDER} }}
}}"""
START = """
mutation Start($input: StartTaskInput!) {
  startTask(input: $input) { task { state } userErrors { code message field } }
}"""
COMPLETE = """
mutation Complete($input: CompleteTaskInput!) {
  completeTask(input: $input) { task { state } userErrors { code message field } }
}"""
CAN_START = """
query CanStart($id: ID!) { node(id: $id) { ... on Task { state viewerCan { start } } } }"""


COMPLETE_AUTOMATED = """mutation($input: CompleteAutomatedTaskInput!) {
  completeAutomatedTask(input: $input) { task { state } userErrors { code message field } } }"""


async def run(api: Api, username: str, document: str, **values: Any) -> dict[str, Any]:
    data = await api.data(username, document, {"input": values})
    [payload] = data.values()
    result: dict[str, Any] = payload
    return result


async def ready_task_of(order: ServiceOrder) -> Task:
    task = await Task.filter(service_order_id=order.id, state=TaskState.READY).first()
    assert task is not None
    return task


async def test_a_manager_holds_an_order_in_progress(api: Api, users: Users) -> None:
    order = await in_progress_order(users)

    payload = await run(api, "manager", HOLD, serviceOrderId=order_id(order), reason="Permit")

    held = succeeded(payload, "serviceOrder")
    assert (held["state"], held["heldFrom"], held["version"]) == (
        "HELD",
        "IN_PROGRESS",
        order.version + 1,
    )
    assert held["heldAt"] is not None
    assert held["viewerCan"] == {"hold": False, "resume": True}
    event = await Event.filter(service_order_id=order.id).order_by("-id").first()
    assert event is not None
    assert (event.kind, event.payload["reason"], event.actor_id) == (
        "service_order.held",
        "Permit",
        users["manager"].id,
    )


async def test_no_task_of_a_held_order_starts_and_ready_ones_stay_ready(
    api: Api, users: Users
) -> None:
    order = await in_progress_order(users)
    task = await ready_task_of(order)
    agent = await agent_for(task, users)
    await hold_service_order(users["manager"], order.id, "Permit pending")
    before = await snapshot()

    payload = await run(api, agent.username, START, taskId=task_id(task))

    assert refused(payload, "task") == ("INVALID_STATE", "taskId")
    assert await snapshot() == before
    shown = await api.data(agent.username, CAN_START, {"id": task_id(task)})
    assert shown["node"] == {"state": "READY", "viewerCan": {"start": False}}


async def test_work_in_progress_is_completed_while_held(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    await hold_service_order(users["manager"], task.service_order_id, "Permit pending")

    payload = await run(api, agent.username, COMPLETE, taskId=task_id(task))

    assert succeeded(payload, "task")["state"] == "COMPLETED"
    assert (await ServiceOrder.get(id=task.service_order_id)).state == "HELD"


async def test_resume_restores_the_state_and_tasks_start_again(api: Api, users: Users) -> None:
    order = await in_progress_order(users)
    task = await ready_task_of(order)
    agent = await agent_for(task, users)
    held = await hold_service_order(users["manager"], order.id, "Permit pending")

    payload = await run(
        api, "manager", RESUME, serviceOrderId=order_id(order), note="Permit granted"
    )

    resumed = succeeded(payload, "serviceOrder")
    assert (resumed["state"], resumed["heldFrom"], resumed["heldAt"]) == (
        "IN_PROGRESS",
        None,
        None,
    )
    assert resumed["version"] == held.version + 1
    event = await Event.filter(service_order_id=order.id).order_by("-id").first()
    assert event is not None
    assert (event.kind, event.payload["note"], event.payload["restoredState"]) == (
        "service_order.resumed",
        "Permit granted",
        "IN_PROGRESS",
    )
    shown = await api.data(agent.username, CAN_START, {"id": task_id(task)})
    assert shown["node"]["viewerCan"] == {"start": True}
    assert succeeded(await run(api, agent.username, START, taskId=task_id(task)), "task")


async def test_each_hold_adds_its_length_to_the_orders_held_time(
    users: Users, clock: FakeClock
) -> None:
    order = await in_progress_order(users)
    manager = users["manager"]
    await hold_service_order(manager, order.id, "Permit pending")
    clock.advance(hours=2)
    await resume_service_order(manager, order.id)
    await hold_service_order(manager, order.id, "Customer away")
    clock.advance(minutes=30)

    await resume_service_order(manager, order.id)

    assert (await ServiceOrder.get(id=order.id)).held_seconds == 2.5 * 3600


async def test_a_held_order_whose_last_work_finishes_is_final(api: Api, users: Users) -> None:
    order = await in_progress_order(users)
    while ready := await Task.filter(service_order_id=order.id, state=TaskState.READY):
        for task in ready:
            await start_either(task, users)
            if await Task.filter(service_order_id=order.id, state=TaskState.PENDING).exists():
                await finish_either(task, users)
    [last] = await Task.filter(service_order_id=order.id, state=TaskState.IN_PROGRESS)
    await hold_service_order(users["manager"], order.id, "Permit pending")

    if last.kind is TaskKind.AUTOMATED:  # its worker answers (the billing start is automated)
        answer = {"workerId": WORKER, "output": {"done": True}}
        await run(api, "automation", COMPLETE_AUTOMATED, taskId=task_id(last), **answer)
    else:
        agent = await agent_for(last, users)
        await run(api, agent.username, COMPLETE, taskId=task_id(last))

    final = await ServiceOrder.get(id=order.id)
    assert (final.state, final.held_from, final.held_at) == ("COMPLETED", None, None)


async def test_holding_twice_is_invalid_state_and_writes_nothing(api: Api, users: Users) -> None:
    order = await in_progress_order(users)
    await hold_service_order(users["manager"], order.id, "Permit pending")
    before = await snapshot()

    payload = await run(api, "manager", HOLD, serviceOrderId=order_id(order), reason="Again")

    assert refused(payload, "serviceOrder") == ("INVALID_STATE", "serviceOrderId")
    assert await snapshot() == before


async def test_resuming_an_order_that_is_not_held_is_invalid_state(api: Api, users: Users) -> None:
    order = await in_progress_order(users)

    payload = await run(api, "manager", RESUME, serviceOrderId=order_id(order))

    assert refused(payload, "serviceOrder") == ("INVALID_STATE", "serviceOrderId")


async def test_a_hold_needs_a_reason(api: Api, users: Users) -> None:
    order = await in_progress_order(users)
    before = await snapshot()

    payload = await run(api, "manager", HOLD, serviceOrderId=order_id(order), reason="  ")

    assert refused(payload, "serviceOrder") == ("VALIDATION", "reason")
    assert await snapshot() == before


async def test_a_hold_on_a_stale_version_is_a_conflict(api: Api, users: Users) -> None:
    order = await in_progress_order(users)

    payload = await run(
        api,
        "manager",
        HOLD,
        serviceOrderId=order_id(order),
        reason="Permit",
        expectedVersion=order.version - 1,
    )

    assert refused(payload, "serviceOrder")[0] == "CONFLICT"


async def test_only_managers_are_offered_hold(api: Api, users: Users) -> None:
    order = await in_progress_order(users)
    query = """query($id: ID!) { serviceOrder(id: $id) { viewerCan { hold resume revise } } }"""

    as_manager = await api.data("manager", query, {"id": order_id(order)})
    as_partner = await api.data("partner", query, {"id": order_id(order)})

    assert as_manager["serviceOrder"]["viewerCan"]["hold"] is True
    assert as_partner["serviceOrder"]["viewerCan"] == {
        "hold": False,
        "resume": False,
        "revise": False,
    }


HISTORY = """
query History($id: ID!) {
  serviceOrder(id: $id) {
    history(first: 100) { edges { node { kind actor { username } payload } } }
  }
}"""
REVISE = """
mutation Revise($input: ReviseServiceOrderInput!) {
  reviseServiceOrder(input: $input) { serviceOrder { revision } userErrors { code field } }
}"""


async def test_the_history_shows_who_held_resumed_and_revised_the_order_and_why(
    api: Api, users: Users
) -> None:
    # given an order in fulfilment held, resumed and revised by the manager over the API
    order = await in_progress_order(users)
    [item] = await LineItem.filter(service_order_id=order.id).prefetch_related("specification")
    oid = order_id(order)
    succeeded(
        await run(api, "manager", HOLD, serviceOrderId=oid, reason="Permit pending"), "serviceOrder"
    )
    succeeded(
        await run(api, "manager", RESUME, serviceOrderId=oid, note="Permit granted"), "serviceOrder"
    )
    line = {"id": gid("LineItem", item.id), "specificationCode": item.specification.code}
    revised = await run(
        api,
        "manager",
        REVISE,
        serviceOrderId=oid,
        reason="A second line",
        lineItems=[line, line | {"id": None}],
    )
    assert succeeded(revised, "serviceOrder") == {"revision": 1}

    # when a viewer reads its history (a partner is not shown who inside the operator did it)
    data = await api.data("viewer", HISTORY, {"id": oid})

    # then each decision names who took it and why
    events = [edge["node"] for edge in data["serviceOrder"]["history"]["edges"]]
    shown = [
        (e["kind"], e["actor"], e["payload"].get("reason") or e["payload"].get("note"))
        for e in events
        if e["kind"] in {"service_order.held", "service_order.resumed", "service_order.revised"}
    ]
    assert shown == [
        ("service_order.held", {"username": "manager"}, "Permit pending"),
        ("service_order.resumed", {"username": "manager"}, "Permit granted"),
        ("service_order.revised", {"username": "manager"}, "A second line"),
    ]
