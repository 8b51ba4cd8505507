"""List filters: orders by state, customer, submitter; tasks by state, assignee (incl. "me"),
group, order; fallouts by state, type, assignee, order."""

from __future__ import annotations

from typing import Any

from models import AssignmentGroup, FalloutRecord, ServiceOrder, Task, TaskDependency
from models.enums import FalloutType, TaskState
from services.fallouts import create_fallout, reassign_fallout
from services.orders import LineItemInput, SubmitOrderInput, submit_service_order
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, new_order, open_fallout, started_task, user_id
from tests.services.task_plans import approved_order

NUMBERS = "{ totalCount edges { node { number } } }"
ORDERS = f"query($f: ServiceOrderFilter) {{ serviceOrders(filter: $f) {NUMBERS} }}"
TASKS = f"query($f: TaskFilter) {{ tasks(filter: $f) {NUMBERS} }}"
FALLOUTS = f"query($f: FalloutFilter) {{ fallouts(filter: $f) {NUMBERS} }}"


async def listed(
    api: Api, query: str, where: dict[str, Any], username: str = "viewer"
) -> list[str]:
    data = await api.data(username, query, {"f": where})
    [connection] = data.values()
    assert connection["totalCount"] == len(connection["edges"])
    return [edge["node"]["number"] for edge in connection["edges"]]


# --- orders ------------------------------------------------------------------------------


async def test_orders_by_state(api: Api, users: Users) -> None:
    new = await new_order(users)
    running = await approved_order(users, "MOBILE_LINE")
    assert await listed(api, ORDERS, {"state": "NEW"}) == [new.number]
    assert await listed(api, ORDERS, {"state": "IN_PROGRESS"}) == [running.number]


async def test_orders_by_customer(api: Api, users: Users) -> None:
    await new_order(users)
    initech = await submit_service_order(
        users["manager"],
        SubmitOrderInput(customer="Initech", line_items=[LineItemInput("MOBILE_LINE")]),
    )
    assert await listed(api, ORDERS, {"customer": "Initech"}) == [initech.number]


async def test_orders_by_submitter(api: Api, users: Users) -> None:
    by_partner = await new_order(users)
    await submit_service_order(
        users["manager"],
        SubmitOrderInput(customer="Initech", line_items=[LineItemInput("MOBILE_LINE")]),
    )
    where = {"submittedById": user_id(users["partner"])}
    assert await listed(api, ORDERS, where) == [by_partner.number]


async def test_orders_by_number(api: Api, users: Users) -> None:
    await new_order(users)
    second = await new_order(users)
    assert await listed(api, ORDERS, {"number": second.number.lower()}) == [second.number]


async def test_a_filter_with_a_malformed_id_is_refused(api: Api, users: Users) -> None:
    body = await api.as_("viewer", ORDERS, {"f": {"submittedById": "nope"}})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert "submittedById" in body["errors"][0]["message"]


# --- tasks -------------------------------------------------------------------------------


async def test_tasks_by_state(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    ready = await Task.filter(service_order_id=order.id, state=TaskState.READY).order_by("id")
    assert await listed(api, TASKS, {"state": "READY"}) == [t.number for t in ready]


async def test_my_tasks(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    assert await listed(api, TASKS, {"assignee": "me"}, agent.username) == [task.number]
    assert await listed(api, TASKS, {"assignee": "me"}, "manager") == []


async def test_tasks_by_assignee(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    assert await listed(api, TASKS, {"assignee": user_id(agent)}) == [task.number]


async def test_tasks_by_assignment_group(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    logistics = await AssignmentGroup.get(name="logistics")
    expected = await Task.filter(
        service_order_id=order.id, assignment_group_id=logistics.id
    ).order_by("id")
    where = {"group": gid("AssignmentGroup", logistics.id)}
    assert await listed(api, TASKS, where) == [t.number for t in expected]
    assert expected


async def test_tasks_by_order(api: Api, users: Users) -> None:
    await approved_order(users, "MOBILE_LINE")
    second = await approved_order(users, "TV_VOICE_BUNDLE")
    expected = await Task.filter(service_order_id=second.id).order_by("id")
    where = {"serviceOrderId": gid("ServiceOrder", second.id)}
    assert await listed(api, TASKS, where) == [t.number for t in expected]


async def test_listed_tasks_show_their_dependencies_both_ways(api: Api, users: Users) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    edges = set(
        await TaskDependency.filter(task__service_order_id=order.id).values_list(
            "task__number", "depends_on__number"
        )
    )
    query = """query($f: TaskFilter) { tasks(filter: $f, first: 3) { edges { node {
      number dependsOn { number } dependents { number } } } } }"""

    data = await api.data("viewer", query, {"f": {"serviceOrderId": gid("ServiceOrder", order.id)}})

    page = [edge["node"] for edge in data["tasks"]["edges"]]
    numbers = {task["number"] for task in page}
    shown = {(t["number"], p["number"]) for t in page for p in t["dependsOn"]}
    shown |= {(d["number"], t["number"]) for t in page for d in t["dependents"]}
    assert shown == {(t, p) for t, p in edges if t in numbers or p in numbers}
    assert shown


async def test_task_filters_combine(api: Api, users: Users) -> None:
    task, agent = await started_task(users)
    where = {"assignee": "me", "state": "READY", "serviceOrderId": gid("ServiceOrder", 1)}
    assert await listed(api, TASKS, where, agent.username) == []
    where["state"] = "IN_PROGRESS"
    assert await listed(api, TASKS, where, agent.username) == [task.number]


# --- fallouts ----------------------------------------------------------------------------


async def test_fallouts_by_state_type_assignee_and_order(api: Api, users: Users) -> None:
    reassigned = await open_fallout(users)
    await reassign_fallout(users["manager"], reassigned.id, users["agent2"].id)
    other_task, agent = await started_task(users)
    still_open = await create_fallout(agent, other_task.id, FalloutType.BILLING_ISSUE, "Tariff")
    assert await listed(api, FALLOUTS, {"state": "OPEN"}) == [still_open.number]
    assert await listed(api, FALLOUTS, {"type": "BILLING_ISSUE"}) == [still_open.number]
    assert await listed(api, FALLOUTS, {"assignee": user_id(users["agent2"])}) == [
        reassigned.number
    ]
    assert await listed(api, FALLOUTS, {"assignee": "me"}, "agent2") == [reassigned.number]
    where = {"serviceOrderId": gid("ServiceOrder", reassigned.service_order_id)}
    assert await listed(api, FALLOUTS, where) == [reassigned.number]


async def test_fallouts_list_newest_first(api: Api, users: Users) -> None:
    first = await open_fallout(users)
    second = await open_fallout(users)
    assert await listed(api, FALLOUTS, {}) == [second.number, first.number]
    assert await FalloutRecord.all().count() == 2
    assert await ServiceOrder.all().count() == 2
