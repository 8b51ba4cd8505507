"""Through the API with the test clock: the stored schedule does not go stale. An open order's
`expectedCompletionAt` is recomputed by the jeopardy sweeper once it has passed with work left
(its plan has slipped), `scheduledAt` says as of when the dates hold, and an order whose plan
has not slipped is not rewritten by time alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from models import Event
from models.enums import TaskState
from services.orders import LineItemInput, SubmitOrderInput, submit_service_order
from services.schedule.sweeper import sweep_jeopardy
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, succeeded
from tests.fake_clock import FakeClock
from tests.services.schedule.orders import FIBRE_MINUTES, fibre_order
from tests.services.task_plans import approved_order, snapshot

SCHEDULE = """
query Schedule($id: ID!) {
  serviceOrder(id: $id) {
    state scheduledAt expectedCompletionAt jeopardy
    tasks { number state plannedStartAt plannedEndAt dueAt }
  }
}"""
HOLD = """
mutation Hold($id: ID!) {
  holdServiceOrder(input: {serviceOrderId: $id, reason: "Customer away"}) {
    serviceOrder { state } userErrors { code message field }
  }
}"""
APPROVE = """
mutation Approve($id: ID!) {
  approveServiceOrder(input: {serviceOrderId: $id}) {
    serviceOrder { scheduledAt expectedCompletionAt } userErrors { code message field }
  }
}"""
SLACK = timedelta(seconds=10)  # how long after the expected completion the sweep runs


def at(value: str | None) -> datetime:
    assert value is not None
    return datetime.fromisoformat(value)


async def schedule_of(api: Api, order_id: int) -> dict[str, Any]:
    data = await api.data("manager", SCHEDULE, {"id": gid("ServiceOrder", order_id)})
    order: dict[str, Any] = data["serviceOrder"]
    return order


def waiting_to_start(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in order["tasks"] if t["state"] == TaskState.READY.value]


async def test_scheduled_at_is_null_before_approval_and_the_approval_s_time_after_it(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given a submitted order
    order = await submit_service_order(
        users["partner"],
        SubmitOrderInput(customer="ACME Corp", line_items=[LineItemInput("FIBRE_BROADBAND")]),
    )
    assert (await schedule_of(api, order.id))["scheduledAt"] is None

    # when the manager approves it a minute later
    clock.advance(minutes=1)
    data = await api.data("manager", APPROVE, {"id": gid("ServiceOrder", order.id)})

    # then its schedule is as of the approval
    approved = succeeded(data["approveServiceOrder"], "serviceOrder")
    assert at(approved["scheduledAt"]) == clock.now()
    assert at(approved["expectedCompletionAt"]) == clock.now() + timedelta(minutes=FIBRE_MINUTES)


async def test_an_order_without_a_due_date_is_rescheduled_once_its_expected_completion_passed(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given an order with no requested date, approved, its READY tasks not started
    order = await approved_order(users, "FIBRE_BROADBAND")
    before = await schedule_of(api, order.id)
    assert waiting_to_start(before)
    assert at(before["scheduledAt"]) == clock.now()

    # when its expected completion passes with nothing started, and the sweeper runs
    clock.set(at(before["expectedCompletionAt"]) + SLACK)
    await sweep_jeopardy()

    # then the order is expected the whole plan's length from now, as of now, its READY tasks
    # planned to start now, and no jeopardy changed (no due date, nothing running late)
    after = await schedule_of(api, order.id)
    assert at(after["expectedCompletionAt"]) > clock.now()
    assert at(after["expectedCompletionAt"]) == clock.now() + timedelta(minutes=FIBRE_MINUTES)
    assert at(after["scheduledAt"]) == clock.now()
    assert {at(t["plannedStartAt"]) for t in waiting_to_start(after)} == {clock.now()}
    assert after["jeopardy"] == "NONE"
    assert not await Event.filter(service_order_id=order.id, kind__contains="jeopardy")


async def test_an_order_whose_plan_has_not_slipped_is_not_rewritten_by_a_sweep(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given an order with no requested date, approved, nothing started
    order = await approved_order(users, "FIBRE_BROADBAND")
    before = await schedule_of(api, order.id)
    rows = await snapshot()

    # when the sweeper runs just before its expected completion
    clock.set(at(before["expectedCompletionAt"]) - timedelta(seconds=1))
    changed = await sweep_jeopardy()

    # then nothing was written: no row, no event; the API shows the same schedule
    assert changed == 0
    assert await snapshot(rows) == rows
    assert await schedule_of(api, order.id) == before


async def test_a_held_order_s_dates_move_with_the_hold_once_its_expected_completion_passed(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given an order requested 25 h after its expected completion, held at once
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=25))
    oid = gid("ServiceOrder", order.id)
    succeeded((await api.data("manager", HOLD, {"id": oid}))["holdServiceOrder"], "serviceOrder")
    before = await schedule_of(api, order.id)
    rows = await snapshot()

    # when the hold lasts past the expected completion: a sweep before it writes nothing, one
    # after it recomputes
    clock.set(at(before["expectedCompletionAt"]) - timedelta(seconds=1))
    assert await sweep_jeopardy() == 0
    assert await snapshot(rows) == rows
    clock.set(at(before["expectedCompletionAt"]) + SLACK)
    await sweep_jeopardy()

    # then the unstarted work slides with the clock, the due dates move by the time held, and
    # the order is still on time (a hold neither makes it late nor eats its margin)
    after = await schedule_of(api, order.id)
    held = clock.now() - at(before["scheduledAt"])
    assert after["state"] == "HELD"
    assert at(after["scheduledAt"]) == clock.now()
    assert at(after["expectedCompletionAt"]) == at(before["expectedCompletionAt"]) + held
    assert [at(t["dueAt"]) for t in after["tasks"]] == [
        at(t["dueAt"]) + held for t in before["tasks"]
    ]
    assert (before["jeopardy"], after["jeopardy"]) == ("NONE", "NONE")
    assert not await Event.filter(service_order_id=order.id, kind__contains="jeopardy")
