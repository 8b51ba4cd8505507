"""Submitting a service order: what a valid order becomes, and every input it refuses."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from models import Event, LineItem, ServiceOrder, User
from models.enums import LineItemAction, Priority, ServiceOrderState
from services.errors import ConflictError, DomainError, ErrorCode
from services.events.publisher import RecordingPublisher
from services.orders import LineItemInput, SubmitOrderInput, submit_service_order
from tests.services.orders.helpers import snapshot, submit


async def test_a_valid_order_is_new_numbered_and_at_version_one(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    order = await submit_service_order(
        users["partner"],
        SubmitOrderInput(
            customer="  ACME Ltd ",
            external_id="CRM-1",
            priority=Priority.HIGH,
            line_items=[
                LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "IPV4"}),
                LineItemInput("MOBILE_LINE", quantity=2),
            ],
        ),
    )

    stored = await ServiceOrder.get(id=order.id)
    assert (stored.number, stored.state, stored.version) == (
        "SO0001001",
        ServiceOrderState.NEW,
        1,
    )
    assert (stored.customer, stored.external_id, stored.priority) == (
        "ACME Ltd",
        "CRM-1",
        Priority.HIGH,
    )
    assert stored.submitted_by_id == users["partner"].id


async def test_line_items_are_stored_in_the_order_given(users: dict[str, User]) -> None:
    order = await submit_service_order(
        users["partner"],
        SubmitOrderInput(
            customer="ACME",
            line_items=[
                LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "IPV4"}),
                LineItemInput("MOBILE_LINE", quantity=2),
            ],
        ),
    )

    items = await LineItem.filter(service_order_id=order.id).prefetch_related("specification")
    assert [
        (i.position, i.specification.code, i.action, i.quantity, i.characteristics) for i in items
    ] == [
        (0, "FIBRE_BROADBAND", LineItemAction.ADD, 1, {"ipVersion": "IPV4"}),
        (1, "MOBILE_LINE", LineItemAction.ADD, 2, {}),
    ]


async def test_orders_are_numbered_one_after_another(users: dict[str, User]) -> None:
    first = await submit(users["partner"], "MOBILE_LINE")
    second = await submit(users["manager"], "MOBILE_LINE")

    assert (first.number, second.number) == ("SO0001001", "SO0001002")


async def test_submission_records_and_publishes_a_submitted_event(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    order = await submit(users["partner"], "MOBILE_LINE", external_id="CRM-7")

    events = await Event.filter(service_order_id=order.id)
    assert [(e.kind, e.entity_id, e.previous_state, e.new_state) for e in events] == [
        ("service_order.submitted", order.id, None, "NEW")
    ]
    assert events[0].actor_id == users["partner"].id
    assert events[0].payload["number"] == "SO0001001"
    assert events[0].payload["externalId"] == "CRM-7"
    assert [e.kind for e in published.published] == ["service_order.submitted"]


async def test_a_date_without_a_time_zone_is_taken_as_utc(users: dict[str, User]) -> None:
    order = await submit_service_order(
        users["partner"],
        SubmitOrderInput(
            customer="ACME",
            line_items=[LineItemInput("MOBILE_LINE")],
            requested_completion_date=datetime(2030, 5, 1, 12, 0),
        ),
    )

    stored = await ServiceOrder.get(id=order.id)
    assert stored.requested_completion_date is not None
    assert stored.requested_completion_date.isoformat() == "2030-05-01T12:00:00+00:00"


def _order(*items: LineItemInput, customer: str = "ACME") -> SubmitOrderInput:
    return SubmitOrderInput(customer=customer, line_items=items)


INVALID_ORDERS = {
    "blank customer": (_order(LineItemInput("MOBILE_LINE"), customer="  "), "customer"),
    "customer too long": (_order(LineItemInput("MOBILE_LINE"), customer="x" * 129), "customer"),
    "no line items": (_order(), "lineItems"),
    "unknown specification": (
        _order(LineItemInput("MOBILE_LINE"), LineItemInput("NO_SUCH_PRODUCT")),
        "lineItems[1].specificationCode",
    ),
    "blank specification code": (_order(LineItemInput(" ")), "lineItems[0].specificationCode"),
    "specification that is not a product": (
        _order(LineItemInput("MOBILE_LINE"), LineItemInput("SIM_CARD")),
        "lineItems[1].specificationCode",
    ),
    "quantity zero": (_order(LineItemInput("MOBILE_LINE", quantity=0)), "lineItems[0].quantity"),
    "negative quantity": (
        _order(LineItemInput("MOBILE_LINE"), LineItemInput("MOBILE_LINE", quantity=-1)),
        "lineItems[1].quantity",
    ),
    "quantity above the limit": (
        _order(LineItemInput("MOBILE_LINE", quantity=51)),
        "lineItems[0].quantity",
    ),
    "characteristics with a non-string key": (
        _order(LineItemInput("MOBILE_LINE", characteristics={1: "x"})),  # type: ignore[dict-item]
        "lineItems[0].characteristics",
    ),
    "blank external id": (
        SubmitOrderInput(
            customer="ACME", line_items=[LineItemInput("MOBILE_LINE")], external_id=""
        ),
        "externalId",
    ),
}


@pytest.mark.parametrize(("data", "field"), INVALID_ORDERS.values(), ids=INVALID_ORDERS.keys())
async def test_an_invalid_order_is_refused_with_the_field_and_nothing_written(
    users: dict[str, User], published: RecordingPublisher, data: SubmitOrderInput, field: str
) -> None:
    before = await snapshot()

    with pytest.raises(DomainError) as raised:
        await submit_service_order(users["partner"], data)

    assert (raised.value.code, raised.value.field) == (ErrorCode.VALIDATION, field)
    assert await snapshot() == before
    assert published.published == []


async def test_an_external_id_the_submitter_already_used_is_a_conflict(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    await submit(users["partner"], "MOBILE_LINE", external_id="CRM-1")
    before = await snapshot()
    published.published.clear()

    with pytest.raises(ConflictError) as raised:
        await submit(users["partner"], "FIBRE_BROADBAND", external_id="CRM-1")

    assert raised.value.field == "externalId"
    assert await snapshot() == before
    assert published.published == []


async def test_another_submitter_may_use_the_same_external_id(users: dict[str, User]) -> None:
    await submit(users["partner"], "MOBILE_LINE", external_id="CRM-1")

    order = await submit(users["manager"], "MOBILE_LINE", external_id="CRM-1")

    assert order.external_id == "CRM-1"


@pytest.mark.parametrize("username", ["viewer", "agent1", "admin"])
async def test_a_role_without_the_right_to_submit_is_forbidden(
    users: dict[str, User], username: str
) -> None:
    before = await snapshot()

    with pytest.raises(DomainError) as raised:
        await submit(users[username], "MOBILE_LINE")

    assert raised.value.code is ErrorCode.FORBIDDEN
    assert await snapshot() == before


@pytest.mark.postgres_only
async def test_concurrent_submissions_with_one_external_id_make_one_order(
    users: dict[str, User],
) -> None:
    results = await asyncio.gather(
        *(submit(users["partner"], "MOBILE_LINE", external_id="CRM-RACE") for _ in range(4)),
        return_exceptions=True,
    )

    orders = [r for r in results if isinstance(r, ServiceOrder)]
    errors = [r for r in results if not isinstance(r, ServiceOrder)]
    assert len(orders) == 1
    assert all(isinstance(e, ConflictError) and e.field == "externalId" for e in errors)
    assert await ServiceOrder.filter(external_id="CRM-RACE").count() == 1
