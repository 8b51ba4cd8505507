"""Hold, resume and revise as a table: each from each order state.

Every legal pair succeeds and moves the order where the design says (docs/design/
lifecycle-and-installed-base.md, 1); every other one fails with INVALID_STATE and changes
nothing: no row, no event, nothing published. Orders are put in their state directly, as in
test_state_machine.py (a held one remembers IN_PROGRESS, as a hold leaves it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from models import LineItem, ServiceOrder, User
from models.enums import ServiceOrderState
from services.errors import DomainError, ErrorCode
from services.events.publisher import RecordingPublisher
from services.orders import (
    LineItemInput,
    RevisedItemInput,
    hold_service_order,
    resume_service_order,
    revise_service_order,
)
from tests.services.orders.helpers import snapshot

Transition = Callable[[User, int], Awaitable[ServiceOrder]]


async def hold(actor: User, order_id: int) -> ServiceOrder:
    return await hold_service_order(actor, order_id, "Permit pending")


async def resume(actor: User, order_id: int) -> ServiceOrder:
    return await resume_service_order(actor, order_id, "Permit granted")


async def revise(actor: User, order_id: int) -> ServiceOrder:
    """Two lines instead of one (of the order's item, or of none for an unknown order). An order
    put IN_PROGRESS or HELD this way has no plan yet: its revision plans both lines."""
    item = await LineItem.filter(service_order_id=order_id).first()
    item_id = item.id if item is not None else 1
    return await revise_service_order(
        actor,
        order_id,
        "The customer wants two lines",
        [RevisedItemInput(item_id, LineItemInput("FIBRE_BROADBAND", quantity=2))],
    )


TRANSITIONS: dict[str, Transition] = {"hold": hold, "resume": resume, "revise": revise}

LEGAL = {
    ("hold", ServiceOrderState.IN_PROGRESS): ServiceOrderState.HELD,
    ("resume", ServiceOrderState.HELD): ServiceOrderState.IN_PROGRESS,
    # In place: a rejected order stays REJECTED until reopened.
    ("revise", ServiceOrderState.NEW): ServiceOrderState.NEW,
    ("revise", ServiceOrderState.REJECTED): ServiceOrderState.REJECTED,
    # In flight (re-planned; a hold outlives a revision).
    ("revise", ServiceOrderState.IN_PROGRESS): ServiceOrderState.IN_PROGRESS,
    ("revise", ServiceOrderState.HELD): ServiceOrderState.HELD,
}
ILLEGAL = [
    (transition, state)
    for transition in TRANSITIONS
    for state in ServiceOrderState
    if (transition, state) not in LEGAL
]


async def put_in_state(order: ServiceOrder, state: ServiceOrderState) -> None:
    held_from = ServiceOrderState.IN_PROGRESS if state is ServiceOrderState.HELD else None
    await ServiceOrder.filter(id=order.id).update(state=state, held_from=held_from)


@pytest.mark.parametrize(
    ("transition", "state", "after"),
    [(t, s, after) for (t, s), after in LEGAL.items()],
    ids=[f"{t}-from-{s.value}" for t, s in LEGAL],
)
async def test_a_legal_transition_moves_the_order_and_bumps_its_version(
    users: dict[str, User],
    new_order: ServiceOrder,
    transition: str,
    state: ServiceOrderState,
    after: ServiceOrderState,
) -> None:
    await put_in_state(new_order, state)

    returned = await TRANSITIONS[transition](users["manager"], new_order.id)

    stored = await ServiceOrder.get(id=new_order.id)
    assert (returned.state, stored.state) == (after, after)
    assert stored.version == new_order.version + 1 == returned.version


@pytest.mark.parametrize(
    ("transition", "state"), ILLEGAL, ids=[f"{t}-from-{s.value}" for t, s in ILLEGAL]
)
async def test_an_illegal_transition_is_invalid_state_and_changes_nothing(
    users: dict[str, User],
    published: RecordingPublisher,
    new_order: ServiceOrder,
    transition: str,
    state: ServiceOrderState,
) -> None:
    await put_in_state(new_order, state)
    before = await snapshot()
    published.published.clear()

    with pytest.raises(DomainError) as raised:
        await TRANSITIONS[transition](users["manager"], new_order.id)

    assert (raised.value.code, raised.value.field) == (ErrorCode.INVALID_STATE, "serviceOrderId")
    assert await snapshot() == before
    assert published.published == []


@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("username", ["agent1", "viewer", "admin"])
async def test_only_an_order_manager_holds_resumes_and_revises_in_flight(
    users: dict[str, User],
    published: RecordingPublisher,
    new_order: ServiceOrder,
    transition: str,
    username: str,
) -> None:
    state = {"hold": ServiceOrderState.IN_PROGRESS, "resume": ServiceOrderState.HELD}
    await put_in_state(new_order, state.get(transition, ServiceOrderState.NEW))
    before = await snapshot()
    published.published.clear()

    with pytest.raises(DomainError) as raised:
        await TRANSITIONS[transition](users[username], new_order.id)

    assert raised.value.code is ErrorCode.FORBIDDEN
    assert await snapshot() == before
    assert published.published == []


@pytest.mark.parametrize("transition", ["hold", "resume"])
async def test_a_partner_neither_holds_nor_resumes_its_own_order(
    users: dict[str, User], new_order: ServiceOrder, transition: str
) -> None:
    state = {"hold": ServiceOrderState.IN_PROGRESS, "resume": ServiceOrderState.HELD}
    await put_in_state(new_order, state[transition])

    with pytest.raises(DomainError) as raised:
        await TRANSITIONS[transition](users["partner"], new_order.id)

    assert raised.value.code is ErrorCode.FORBIDDEN


@pytest.mark.parametrize("transition", TRANSITIONS)
async def test_a_transition_on_an_unknown_order_is_not_found(
    users: dict[str, User], new_order: ServiceOrder, transition: str
) -> None:
    with pytest.raises(DomainError) as raised:
        await TRANSITIONS[transition](users["manager"], new_order.id + 1000)

    assert (raised.value.code, raised.value.field) == (ErrorCode.NOT_FOUND, "serviceOrderId")
