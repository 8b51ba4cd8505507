"""The service order state machine as a table: each decision from each state.

Approve, reject and reopen are legal from exactly one state each; from every other state they
fail with INVALID_STATE and change nothing: no row, no event, nothing published. Orders past
approval are put in their state directly: moving them there is the task engine's job.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from models import ServiceOrder, User
from models.enums import ServiceOrderState
from services.errors import DomainError, ErrorCode
from services.events.publisher import RecordingPublisher
from services.orders import approve_service_order, reject_service_order, reopen_service_order
from tests.services.orders.helpers import snapshot

Decision = Callable[[User, int], Awaitable[ServiceOrder]]


async def approve(actor: User, order_id: int) -> ServiceOrder:
    return await approve_service_order(actor, order_id)


async def reject(actor: User, order_id: int) -> ServiceOrder:
    return await reject_service_order(actor, order_id, "Customer address unknown")


async def reopen(actor: User, order_id: int) -> ServiceOrder:
    return await reopen_service_order(actor, order_id)


DECISIONS: dict[str, Decision] = {"approve": approve, "reject": reject, "reopen": reopen}

LEGAL = {
    ("approve", ServiceOrderState.NEW): ServiceOrderState.IN_PROGRESS,
    ("reject", ServiceOrderState.NEW): ServiceOrderState.REJECTED,
    ("reopen", ServiceOrderState.REJECTED): ServiceOrderState.NEW,
}
ILLEGAL = [
    (decision, state)
    for decision in DECISIONS
    for state in ServiceOrderState
    if (decision, state) not in LEGAL
]


async def put_in_state(order: ServiceOrder, state: ServiceOrderState) -> None:
    await ServiceOrder.filter(id=order.id).update(state=state)


@pytest.mark.parametrize(
    ("decision", "state", "after"),
    [(d, s, after) for (d, s), after in LEGAL.items()],
    ids=[f"{d}-from-{s.value}" for d, s in LEGAL],
)
async def test_a_legal_decision_moves_the_order_and_bumps_its_version(
    users: dict[str, User],
    new_order: ServiceOrder,
    decision: str,
    state: ServiceOrderState,
    after: ServiceOrderState,
) -> None:
    await put_in_state(new_order, state)

    returned = await DECISIONS[decision](users["manager"], new_order.id)

    stored = await ServiceOrder.get(id=new_order.id)
    assert (returned.state, stored.state) == (after, after)
    assert stored.version > new_order.version
    assert returned.version == stored.version


@pytest.mark.parametrize(
    ("decision", "state"), ILLEGAL, ids=[f"{d}-from-{s.value}" for d, s in ILLEGAL]
)
async def test_an_illegal_decision_is_invalid_state_and_changes_nothing(
    users: dict[str, User],
    published: RecordingPublisher,
    new_order: ServiceOrder,
    decision: str,
    state: ServiceOrderState,
) -> None:
    await put_in_state(new_order, state)
    before = await snapshot()
    published.published.clear()

    with pytest.raises(DomainError) as raised:
        await DECISIONS[decision](users["manager"], new_order.id)

    assert (raised.value.code, raised.value.field) == (ErrorCode.INVALID_STATE, "serviceOrderId")
    assert await snapshot() == before
    assert published.published == []


@pytest.mark.parametrize("decision", DECISIONS)
async def test_a_decision_on_an_unknown_order_is_not_found(
    users: dict[str, User], new_order: ServiceOrder, decision: str
) -> None:
    with pytest.raises(DomainError) as raised:
        await DECISIONS[decision](users["manager"], new_order.id + 1000)

    assert (raised.value.code, raised.value.field) == (ErrorCode.NOT_FOUND, "serviceOrderId")


@pytest.mark.parametrize("decision", DECISIONS)
@pytest.mark.parametrize("username", ["partner", "agent1", "viewer", "admin"])
async def test_only_an_order_manager_decides(
    users: dict[str, User],
    published: RecordingPublisher,
    new_order: ServiceOrder,
    decision: str,
    username: str,
) -> None:
    if decision == "reopen":
        await put_in_state(new_order, ServiceOrderState.REJECTED)
    before = await snapshot()
    published.published.clear()

    with pytest.raises(DomainError) as raised:
        await DECISIONS[decision](users[username], new_order.id)

    assert raised.value.code is ErrorCode.FORBIDDEN
    assert await snapshot() == before
    assert published.published == []
