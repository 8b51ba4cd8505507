"""viewerCan: what each role may do now to the objects the actions start from, and `can`, what
a role allows at all.

The order and task flags are read from the lists (tasks read the reader's groups), the fallout
flags from the order's plan and from the fallout list (a fallout's flags read its task).
"""

from __future__ import annotations

from models import FalloutRecord, ServiceOrder, Task
from models.enums import FalloutAction, FalloutType
from services.fallouts import create_fallout, resolve_fallout
from services.orders import reject_service_order
from services.orders.cancel import cancel_service_order
from services.tasks import start_task
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, new_order, order_id
from tests.services.orders.plan_work import task_by_code, work
from tests.services.task_plans import agent_for, approved_order, build_plan

USERNAMES = ("manager", "agent1", "agent2", "viewer", "partner", "admin")

TASK_FLAGS = """
query($order: ID!) {
  tasks(filter: {serviceOrderId: $order}) {
    edges { node { viewerCan { start complete reassign createFallout } } }
  }
}"""
ORDER_FLAGS = "query($id: ID!) { serviceOrder(id: $id) { viewerCan { approve reject reopen } } }"
FALLOUT_FLAGS = """
query($order: ID!) {
  fallouts(filter: {serviceOrderId: $order}) {
    edges { node { viewerCan { reassign resolve failLineItem } } }
  }
  serviceOrder(id: $order) {
    tasks { fallouts { viewerCan { reassign resolve failLineItem } } }
    fallouts { viewerCan { reassign resolve failLineItem } }
  }
}"""

Flags = dict[str, bool]


def task_flags(start: bool, complete: bool, reassign: bool, create_fallout: bool) -> Flags:
    return {
        "start": start,
        "complete": complete,
        "reassign": reassign,
        "createFallout": create_fallout,
    }


NO_TASK_ACTION = task_flags(False, False, False, False)


async def single_task(users: Users, *, group: str = "field-operations") -> Task:
    """A READY, unassigned task of an order of the partner's; only agent1 works in its group."""
    plan = await build_plan(users["partner"], {"item": {"do": {"a": []}}}, groups={"a": group})
    return await plan.task("a")


async def flags_of_task(api: Api, task: Task) -> dict[str, Flags]:
    """Each demo user's flags on the only task of `task`'s order."""
    found = {}
    for username in USERNAMES:
        data = await api.data(username, TASK_FLAGS, {"order": order_id_of(task)})
        [edge] = data["tasks"]["edges"]
        found[username] = edge["node"]["viewerCan"]
    return found


def order_id_of(row: Task | FalloutRecord) -> str:
    return gid("ServiceOrder", row.service_order_id)


async def flags_of_order(api: Api, order: ServiceOrder) -> dict[str, Flags]:
    found = {}
    for username in USERNAMES:
        data = await api.data(username, ORDER_FLAGS, {"id": order_id(order)})
        found[username] = data["serviceOrder"]["viewerCan"]
    return found


async def flags_of_fallout(api: Api, fallout: FalloutRecord) -> dict[str, Flags]:
    """Each demo user's flags on the order's only fallout, the same wherever they are read."""
    found = {}
    for username in USERNAMES:
        data = await api.data(username, FALLOUT_FLAGS, {"order": order_id_of(fallout)})
        [listed] = data["fallouts"]["edges"]
        order = data["serviceOrder"]
        [on_task] = [f for task in order["tasks"] for f in task["fallouts"]]
        [on_order] = order["fallouts"]
        assert listed["node"]["viewerCan"] == on_task["viewerCan"] == on_order["viewerCan"]
        found[username] = on_order["viewerCan"]
    return found


def everyone(flags: Flags, **others: Flags) -> dict[str, Flags]:
    return {username: others.get(username, flags) for username in USERNAMES}


async def test_a_ready_task_is_started_by_an_agent_of_its_group(api: Api, users: Users) -> None:
    task = await single_task(users)

    flags = await flags_of_task(api, task)

    assert flags == everyone(
        NO_TASK_ACTION,
        manager=task_flags(start=False, complete=False, reassign=True, create_fallout=True),
        agent1=task_flags(start=True, complete=False, reassign=False, create_fallout=False),
    )


async def test_a_ready_task_assigned_to_an_agent_is_theirs_to_start(api: Api, users: Users) -> None:
    task = await single_task(users, group="network-engineering")  # both agents work in it
    task.assignee_id = users["agent2"].id
    await task.save()

    flags = await flags_of_task(api, task)

    assert flags["agent1"] == NO_TASK_ACTION
    assert flags["agent2"] == task_flags(
        start=True, complete=False, reassign=False, create_fallout=True
    )


async def test_a_task_in_progress_is_completed_by_its_assignee(api: Api, users: Users) -> None:
    task = await start_task(users["agent1"], (await single_task(users)).id)

    flags = await flags_of_task(api, task)

    assert flags == everyone(
        NO_TASK_ACTION,
        manager=task_flags(start=False, complete=False, reassign=True, create_fallout=True),
        agent1=task_flags(start=False, complete=True, reassign=False, create_fallout=True),
    )


async def test_a_task_on_hold_takes_no_second_fallout(api: Api, users: Users) -> None:
    task = await start_task(users["agent1"], (await single_task(users)).id)
    await create_fallout(users["agent1"], task.id, FalloutType.OTHER, "No signal")

    flags = await flags_of_task(api, task)

    assert flags == everyone(
        NO_TASK_ACTION,
        manager=task_flags(start=False, complete=False, reassign=True, create_fallout=False),
    )


async def test_a_new_order_is_approved_or_rejected_by_a_manager(api: Api, users: Users) -> None:
    order = await new_order(users)

    flags = await flags_of_order(api, order)

    assert flags == everyone(
        {"approve": False, "reject": False, "reopen": False},
        manager={"approve": True, "reject": True, "reopen": False},
    )


async def test_a_rejected_order_is_reopened_by_a_manager(api: Api, users: Users) -> None:
    order = await new_order(users)
    await reject_service_order(users["manager"], order.id, "Outside our footprint")

    flags = await flags_of_order(api, order)

    assert flags == everyone(
        {"approve": False, "reject": False, "reopen": False},
        manager={"approve": False, "reject": False, "reopen": True},
    )


async def open_fallout_of(users: Users) -> FalloutRecord:
    task = await start_task(users["agent1"], (await single_task(users)).id)
    return await create_fallout(users["agent1"], task.id, FalloutType.OTHER, "No signal")


async def test_an_open_fallout_is_followed_up_by_a_manager(api: Api, users: Users) -> None:
    fallout = await open_fallout_of(users)

    flags = await flags_of_fallout(api, fallout)

    assert flags == everyone(
        {"reassign": False, "resolve": False, "failLineItem": False},
        manager={"reassign": True, "resolve": True, "failLineItem": True},
    )


async def test_a_resolved_fallout_takes_no_more_action(api: Api, users: Users) -> None:
    fallout = await open_fallout_of(users)
    await resolve_fallout(users["manager"], fallout.id, FalloutAction.RETRY_TASK, "Signal back")

    flags = await flags_of_fallout(api, fallout)

    assert flags == everyone({"reassign": False, "resolve": False, "failLineItem": False})


async def test_a_fallout_on_a_compensating_task_cannot_fail_its_line_item(
    api: Api, users: Users
) -> None:
    # given a cancelled mobile line undoing its SIM allocation, the undoing stuck
    order = await approved_order(users, "MOBILE_LINE")
    await work(order.id, users, "allocate_sim")
    await cancel_service_order(users["manager"], order.id, "Customer moved")
    undo = await task_by_code(order.id, "return_sim", compensating=True)
    agent = await agent_for(undo, users)
    await start_task(agent, undo.id)
    fallout = await create_fallout(agent, undo.id, FalloutType.OTHER, "SIM lost in transit")

    # when anyone looks at the fallout
    flags = await flags_of_fallout(api, fallout)

    # then the manager may resolve it, but not by failing the item
    assert flags == everyone(
        {"reassign": False, "resolve": False, "failLineItem": False},
        manager={"reassign": True, "resolve": True, "failLineItem": False},
    )


ROLE_FIELDS = (
    "submitOrders",
    "approveOrders",
    "rejectOrders",
    "reopenOrders",
    "startTasks",
    "completeTasks",
    "reassignTasks",
    "createFallouts",
    "reassignFallouts",
    "resolveFallouts",
    "beAssignedTasks",
)
ROLE_FLAGS = f"query {{ me {{ can {{ {' '.join(ROLE_FIELDS)} }} }} }}"


def allowed(*names: str) -> dict[str, bool]:
    return {name: name in names for name in ROLE_FIELDS}


async def test_me_can_says_what_each_role_allows(api: Api, users: Users) -> None:
    can = {u: (await api.data(u, ROLE_FLAGS))["me"]["can"] for u in USERNAMES}

    manager = allowed(
        "submitOrders",
        "approveOrders",
        "rejectOrders",
        "reopenOrders",
        "reassignTasks",
        "createFallouts",
        "reassignFallouts",
        "resolveFallouts",
    )
    agent = allowed("startTasks", "completeTasks", "createFallouts", "beAssignedTasks")
    assert can == {
        "manager": manager,
        "agent1": agent,
        "agent2": agent,
        "viewer": allowed(),
        "partner": allowed("submitOrders"),
        "admin": allowed(),
    }
