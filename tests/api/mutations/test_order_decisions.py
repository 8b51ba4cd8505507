"""approveServiceOrder, rejectServiceOrder, reopenServiceOrder: a manager's decisions."""

from __future__ import annotations

from typing import Any

import pytest

from models import ServiceOrder
from services.orders import reject_service_order
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import (
    Users,
    in_progress_order,
    new_order,
    order_id,
    refused,
    succeeded,
)
from tests.services.task_plans import snapshot

FIELDS = """
    serviceOrder {
      state version
      decision { decidedBy { username } reason }
      progress { totalTasks completedTasks percent }
      lineItems { soldProduct { state } domainOrders { kind } }
    }
    userErrors { code message field }
"""
APPROVE = f"""
mutation Approve($input: ApproveServiceOrderInput!) {{
  approveServiceOrder(input: $input) {{ {FIELDS} }}
}}"""
REJECT = f"""
mutation Reject($input: RejectServiceOrderInput!) {{
  rejectServiceOrder(input: $input) {{ {FIELDS} }}
}}"""
REOPEN = f"""
mutation Reopen($input: ReopenServiceOrderInput!) {{
  reopenServiceOrder(input: $input) {{ {FIELDS} }}
}}"""
MUTATIONS = {
    "approveServiceOrder": APPROVE,
    "rejectServiceOrder": REJECT,
    "reopenServiceOrder": REOPEN,
}


async def decide(api: Api, username: str, mutation: str, **values: Any) -> dict[str, Any]:
    data = await api.data(username, MUTATIONS[mutation], {"input": values})
    payload: dict[str, Any] = data[mutation]
    return payload


async def rejected_order(users: Users) -> ServiceOrder:
    order = await new_order(users)
    return await reject_service_order(users["manager"], order.id, "Address unknown")


async def order_to_decide(users: Users, mutation: str) -> ServiceOrder:
    """An order the mutation applies to: rejected for reopening, new otherwise."""
    if mutation == "reopenServiceOrder":
        return await rejected_order(users)
    return await new_order(users)


def decision_input(mutation: str, order_gid: str, **values: Any) -> dict[str, Any]:
    """The mutation's input; a rejection gets the reason it needs."""
    if mutation == "rejectServiceOrder":
        values.setdefault("reason", "Because")
    return {"serviceOrderId": order_gid, **values}


async def test_approval_decomposes_the_order_into_its_plan(api: Api, users: Users) -> None:
    order = await new_order(users)
    payload = await decide(
        api, "manager", "approveServiceOrder", serviceOrderId=order_id(order), note="ok"
    )
    approved = succeeded(payload, "serviceOrder")
    assert approved["state"] == "IN_PROGRESS"
    assert approved["decision"] == {"decidedBy": {"username": "manager"}, "reason": "ok"}
    assert approved["progress"] == {"totalTasks": 6, "completedTasks": 0, "percent": 0.0}
    [item] = approved["lineItems"]
    assert item["soldProduct"] == {"state": "PENDING"}
    assert [d["kind"] for d in item["domainOrders"]] == [
        "PRODUCT",
        "CUSTOMER_FACING_SERVICE",
        "RESOURCE_FACING_SERVICE",
        "RESOURCE",
        "RESOURCE",
    ]


async def test_rejection_sends_the_order_back_with_its_reason(api: Api, users: Users) -> None:
    order = await new_order(users)
    payload = await decide(
        api, "manager", "rejectServiceOrder", serviceOrderId=order_id(order), reason="No site"
    )
    rejected = succeeded(payload, "serviceOrder")
    assert rejected["state"] == "REJECTED"
    assert rejected["decision"] == {"decidedBy": {"username": "manager"}, "reason": "No site"}


async def test_reopening_brings_a_rejected_order_back_to_new(api: Api, users: Users) -> None:
    order = await rejected_order(users)
    payload = await decide(api, "manager", "reopenServiceOrder", serviceOrderId=order_id(order))
    assert succeeded(payload, "serviceOrder")["state"] == "NEW"


@pytest.mark.parametrize("username", ["partner", "agent1", "viewer", "admin"])
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
async def test_only_managers_decide(api: Api, users: Users, username: str, mutation: str) -> None:
    order = await (rejected_order(users) if mutation == "reopenServiceOrder" else new_order(users))
    before = await snapshot()
    payload = (
        await decide(api, username, mutation, serviceOrderId=order_id(order), reason="Because")
        if mutation == "rejectServiceOrder"
        else await decide(api, username, mutation, serviceOrderId=order_id(order))
    )
    assert refused(payload, "serviceOrder") == ("FORBIDDEN", None)
    assert await snapshot() == before


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
async def test_an_unknown_order_is_not_found(api: Api, users: Users, mutation: str) -> None:
    values = decision_input(mutation, gid("ServiceOrder", 999))
    payload = await decide(api, "manager", mutation, **values)
    assert refused(payload, "serviceOrder") == ("NOT_FOUND", "serviceOrderId")


async def test_the_id_of_something_else_is_not_found(api: Api, users: Users) -> None:
    payload = await decide(api, "manager", "approveServiceOrder", serviceOrderId=gid("Task", 1))
    assert refused(payload, "serviceOrder") == ("NOT_FOUND", "serviceOrderId")


async def test_a_malformed_id_is_a_validation_error(api: Api, users: Users) -> None:
    payload = await decide(api, "manager", "approveServiceOrder", serviceOrderId="not-an-id")
    assert refused(payload, "serviceOrder") == ("VALIDATION", "serviceOrderId")


async def test_approving_twice_is_an_invalid_state(api: Api, users: Users) -> None:
    order = await in_progress_order(users)
    before = await snapshot()
    payload = await decide(api, "manager", "approveServiceOrder", serviceOrderId=order_id(order))
    assert refused(payload, "serviceOrder")[0] == "INVALID_STATE"
    assert await snapshot() == before


async def test_rejecting_an_approved_order_is_an_invalid_state(api: Api, users: Users) -> None:
    order = await in_progress_order(users)
    payload = await decide(
        api, "manager", "rejectServiceOrder", serviceOrderId=order_id(order), reason="Late"
    )
    assert refused(payload, "serviceOrder")[0] == "INVALID_STATE"


async def test_reopening_an_order_that_was_not_rejected_is_an_invalid_state(
    api: Api, users: Users
) -> None:
    order = await new_order(users)
    payload = await decide(api, "manager", "reopenServiceOrder", serviceOrderId=order_id(order))
    assert refused(payload, "serviceOrder")[0] == "INVALID_STATE"


async def test_a_rejection_needs_a_reason(api: Api, users: Users) -> None:
    order = await new_order(users)
    payload = await decide(
        api, "manager", "rejectServiceOrder", serviceOrderId=order_id(order), reason=" "
    )
    assert refused(payload, "serviceOrder") == ("VALIDATION", "reason")
    assert (await ServiceOrder.get(id=order.id)).state == "NEW"


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
async def test_a_decision_on_a_version_one_did_not_see_conflicts(
    api: Api, users: Users, mutation: str
) -> None:
    order = await order_to_decide(users, mutation)
    values = decision_input(mutation, order_id(order), expectedVersion=0)
    payload = await decide(api, "manager", mutation, **values)
    assert refused(payload, "serviceOrder")[0] == "CONFLICT"
