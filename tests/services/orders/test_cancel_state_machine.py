"""cancelServiceOrder as a state table: from each order state, and for each line item state.

Every state that is not final (and not CANCELLING: a cancellation under way) may be cancelled
and ends CANCELLED here (the orders have no work to undo); from every other state the call is
INVALID_STATE and changes nothing: no row, no event, nothing published. Orders are put in
their state directly, as in the decisions' table (test_state_machine.py).
"""

from __future__ import annotations

import pytest

from models import LineItem, ServiceOrder, User
from models.enums import FulfillmentState, ServiceOrderState
from services.errors import DomainError, ErrorCode
from services.events.publisher import RecordingPublisher
from services.orders.cancel import cancel_service_order
from tests.services.orders.helpers import snapshot

ILLEGAL = [
    ServiceOrderState.CANCELLING,
    ServiceOrderState.COMPLETED,
    ServiceOrderState.PARTIAL,
    ServiceOrderState.FAILED,
    ServiceOrderState.CANCELLED,
]
# Every other state, those added later (HELD) included: cancelling is allowed while held.
LEGAL = [state for state in ServiceOrderState if state not in ILLEGAL]
ILLEGAL_ITEM = [
    FulfillmentState.CANCELLING,
    FulfillmentState.COMPLETED,
    FulfillmentState.FAILED,
    FulfillmentState.CANCELLED,
]
LEGAL_ITEM = [state for state in FulfillmentState if state not in ILLEGAL_ITEM]


async def put_in_state(order: ServiceOrder, state: ServiceOrderState) -> None:
    await ServiceOrder.filter(id=order.id).update(state=state)


@pytest.mark.parametrize("state", LEGAL, ids=str)
async def test_cancelling_from_a_legal_state_cancels_the_order(
    users: dict[str, User], new_order: ServiceOrder, state: ServiceOrderState
) -> None:
    await put_in_state(new_order, state)

    returned = await cancel_service_order(users["manager"], new_order.id, "Withdrawn")

    stored = await ServiceOrder.get(id=new_order.id)
    assert (returned.state, stored.state) == (ServiceOrderState.CANCELLED,) * 2
    assert stored.version > new_order.version
    assert (await LineItem.get(service_order_id=new_order.id)).state is FulfillmentState.CANCELLED


@pytest.mark.parametrize("state", ILLEGAL, ids=str)
async def test_cancelling_from_another_state_is_invalid_and_changes_nothing(
    users: dict[str, User],
    published: RecordingPublisher,
    new_order: ServiceOrder,
    state: ServiceOrderState,
) -> None:
    await put_in_state(new_order, state)
    before = await snapshot()
    published.published.clear()

    with pytest.raises(DomainError) as refused:
        await cancel_service_order(users["manager"], new_order.id, "Withdrawn")

    assert refused.value.code is ErrorCode.INVALID_STATE
    assert await snapshot() == before
    assert published.published == []


@pytest.mark.parametrize("state", LEGAL_ITEM, ids=str)
async def test_an_item_in_a_legal_state_is_cancelled(
    users: dict[str, User], new_order: ServiceOrder, state: FulfillmentState
) -> None:
    item = await LineItem.get(service_order_id=new_order.id)
    await LineItem.filter(id=item.id).update(state=state)

    await cancel_service_order(users["manager"], new_order.id, "Withdrawn", [item.id])

    assert (await LineItem.get(id=item.id)).state is FulfillmentState.CANCELLED


@pytest.mark.parametrize("state", ILLEGAL_ITEM, ids=str)
async def test_an_item_in_another_state_is_refused_and_nothing_changes(
    users: dict[str, User],
    published: RecordingPublisher,
    new_order: ServiceOrder,
    state: FulfillmentState,
) -> None:
    item = await LineItem.get(service_order_id=new_order.id)
    await LineItem.filter(id=item.id).update(state=state)
    before = await snapshot()
    published.published.clear()

    with pytest.raises(DomainError) as refused:
        await cancel_service_order(users["manager"], new_order.id, "Withdrawn", [item.id])

    assert refused.value.code is ErrorCode.INVALID_STATE
    assert await snapshot() == before
    assert published.published == []


async def test_an_item_past_its_point_of_no_return_is_refused(
    users: dict[str, User], published: RecordingPublisher, new_order: ServiceOrder
) -> None:
    item = await LineItem.get(service_order_id=new_order.id)
    await LineItem.filter(id=item.id).update(point_of_no_return_reached_at=new_order.created_at)
    before = await snapshot()
    published.published.clear()

    with pytest.raises(DomainError) as refused:
        await cancel_service_order(users["manager"], new_order.id, "Withdrawn")

    assert refused.value.code is ErrorCode.INVALID_STATE
    assert await snapshot() == before
    assert published.published == []
