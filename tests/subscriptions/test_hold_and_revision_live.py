"""Hold, resume and revision reach the dashboards live: the order's own events on
`serviceOrderChanged`, and the tasks a revision creates on `taskChanged`."""

from __future__ import annotations

from models import LineItem, User
from services.orders import (
    LineItemInput,
    RevisedItemInput,
    hold_service_order,
    resume_service_order,
    revise_service_order,
)
from tests.services.task_plans import approved_order
from tests.subscriptions.live_server import LiveServer

ORDER_CHANGED = """subscription($id: ID) {
  serviceOrderChanged(serviceOrderId: $id) { kind newState payload }
}"""
TASK_CHANGED = """subscription($filter: TaskEventFilter) {
  taskChanged(filter: $filter) { kind task { name state } }
}"""


async def test_a_dashboard_sees_the_hold_the_resume_and_the_revision(
    server: LiveServer, users: dict[str, User]
) -> None:
    # given an order in progress, followed by a viewer's dashboard
    order = await approved_order(users, "MOBILE_LINE")
    [mobile] = await LineItem.filter(service_order_id=order.id)
    client = await server.client("viewer")
    await client.subscribe_and_wait("1", ORDER_CHANGED, {"id": None})
    await client.subscribe_and_wait(
        "2", TASK_CHANGED, {"filter": {"serviceOrderId": None, "states": None}}
    )
    manager = users["manager"]

    # when the manager holds it, resumes it and adds a fibre line
    await hold_service_order(manager, order.id, "Permit pending")
    await resume_service_order(manager, order.id, "Permit granted")
    await revise_service_order(
        manager,
        order.id,
        "A fibre line too",
        [
            RevisedItemInput(mobile.id, LineItemInput("MOBILE_LINE")),
            RevisedItemInput(
                None, LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "IPV4"})
            ),
        ],
    )

    # then the order's events arrive in order, and the new tasks appear
    kinds: list[tuple[str, str]] = []
    revised: dict[str, object] = {}
    created: list[str] = []
    while len(kinds) < 3 or len(created) < 6:
        message = await client.receive()
        data = message["payload"]["data"]
        if message["id"] == "1":
            event = data["serviceOrderChanged"]
            if event["kind"] == "service_order.revised":
                revised = event["payload"]
            if event["kind"] in {f"service_order.{v}" for v in ("held", "resumed", "revised")}:
                kinds.append((event["kind"], event["newState"]))
        elif data["taskChanged"]["kind"] == "task.created":
            created.append(data["taskChanged"]["task"]["name"])
    assert kinds == [
        ("service_order.held", "HELD"),
        ("service_order.resumed", "IN_PROGRESS"),
        ("service_order.revised", "IN_PROGRESS"),
    ]
    assert revised["revision"] == 1
    assert "Ship the ONT to the installer" in created
    await client.close()
