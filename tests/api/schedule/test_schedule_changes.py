"""Through the API with the test clock: the changes the issue lists (hold and resume, fallout
and retry, cancellation, a task running past its duration) move the schedule in their own
transaction, as a client reading the order right after sees it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from models import ServiceOrder, Task
from models.enums import FalloutAction, JeopardyLevel, TaskKind, TaskState
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    submit_service_order,
)
from services.schedule.sweeper import sweep_jeopardy
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, succeeded
from tests.api.plan_work import create_fallout, resolve, start
from tests.fake_clock import FakeClock
from tests.services.automation.plans import WORKER, lock_to
from tests.services.schedule.orders import FIBRE_MINUTES, fibre_order, first_critical_task
from tests.services.task_plans import approved_order

SCHEDULE = """
query Schedule($id: ID!) {
  serviceOrder(id: $id) {
    state expectedCompletionAt jeopardy jeopardyReason
    criticalPath { number state }
    lineItems { id specification { code } }
    tasks { number state plannedStartAt plannedEndAt dueAt jeopardy jeopardyReason }
  }
}"""
HOLD = """
mutation Hold($id: ID!) {
  holdServiceOrder(input: {serviceOrderId: $id, reason: "Customer away"}) {
    serviceOrder { state } userErrors { code message field }
  }
}"""
RESUME = """
mutation Resume($id: ID!) {
  resumeServiceOrder(input: {serviceOrderId: $id}) {
    serviceOrder { state expectedCompletionAt jeopardy } userErrors { code message field }
  }
}"""
CANCEL = """
mutation Cancel($id: ID!, $items: [ID!]) {
  cancelServiceOrder(input: {serviceOrderId: $id, reason: "Not needed", lineItemIds: $items}) {
    serviceOrder { state expectedCompletionAt } userErrors { code message field }
  }
}"""


def at(value: str | None) -> datetime:
    assert value is not None
    return datetime.fromisoformat(value)


async def schedule_of(api: Api, order_id: int) -> dict[str, Any]:
    data = await api.data("manager", SCHEDULE, {"id": gid("ServiceOrder", order_id)})
    order: dict[str, Any] = data["serviceOrder"]
    return order


def open_tasks(order: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["number"]: t for t in order["tasks"] if t["state"] not in {"COMPLETED", "CANCELLED"}}


async def test_a_hold_moves_every_due_date_and_the_expected_completion_later_by_its_length(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given an order requested 25 h after its expected completion (NONE), held at once
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=25))
    before = await schedule_of(api, order.id)
    oid = gid("ServiceOrder", order.id)
    succeeded((await api.data("manager", HOLD, {"id": oid}))["holdServiceOrder"], "serviceOrder")

    # when it is resumed five hours later
    clock.advance(hours=5)
    data = await api.data("manager", RESUME, {"id": oid})
    resumed = succeeded(data["resumeServiceOrder"], "serviceOrder")

    # then every due date and the expected completion are five hours later, and the order is
    # still on time: the same wait without the hold leaves a 20 h margin, AT_RISK
    after = await schedule_of(api, order.id)
    assert at(resumed["expectedCompletionAt"]) == at(before["expectedCompletionAt"]) + timedelta(
        hours=5
    )
    moved = {
        number: at(task["dueAt"]) - at(before_task["dueAt"])
        for (number, task), before_task in zip(
            open_tasks(after).items(), open_tasks(before).values(), strict=True
        )
    }
    assert set(moved.values()) == {timedelta(hours=5)}
    assert (resumed["jeopardy"], after["jeopardy"]) == ("NONE", "NONE")


async def test_a_fallout_retried_two_hours_in_plans_the_task_afresh_and_costs_those_hours(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given the first task of the critical path started at approval
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=25))
    task = await first_critical_task(order)
    await start(api, users, gid("Task", task.id))
    before = await schedule_of(api, order.id)

    # when it falls out two hours in and the manager retries it
    clock.advance(hours=2)
    fallout = await create_fallout(api, gid("Task", task.id))
    retried = await resolve(api, fallout, FalloutAction.RETRY_TASK)

    # then it is planned from now, as if never started, and the order two hours later
    assert retried["state"] == "READY"
    after = await schedule_of(api, order.id)
    planned = open_tasks(after)[task.number]
    assert at(planned["plannedStartAt"]) == clock.now()
    assert at(after["expectedCompletionAt"]) == clock.now() + timedelta(minutes=FIBRE_MINUTES)
    assert at(after["expectedCompletionAt"]) - at(before["expectedCompletionAt"]) == timedelta(
        hours=2
    )


async def test_cancelling_the_item_on_the_critical_path_moves_the_completion_to_the_other(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given an order of fibre (the longer plan) and a mobile line
    order = await approved_order(users, "FIBRE_BROADBAND", "MOBILE_LINE")
    before = await schedule_of(api, order.id)
    fibre = next(i for i in before["lineItems"] if i["specification"]["code"] == "FIBRE_BROADBAND")

    # when the fibre item is cancelled
    data = await api.data(
        "manager", CANCEL, {"id": gid("ServiceOrder", order.id), "items": [fibre["id"]]}
    )
    cancelled = succeeded(data["cancelServiceOrder"], "serviceOrder")

    # then the order is expected when the mobile line's work ends, along its own chain
    after = await schedule_of(api, order.id)
    remaining = open_tasks(after)
    assert remaining
    assert at(cancelled["expectedCompletionAt"]) == max(
        at(t["plannedEndAt"]) for t in remaining.values()
    )
    assert at(after["expectedCompletionAt"]) < at(before["expectedCompletionAt"])
    assert after["criticalPath"]
    assert {t["number"] for t in after["criticalPath"]} <= set(remaining)


async def test_a_task_running_past_its_duration_is_planned_to_end_now_and_is_late(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given the first task of the critical path started
    order = await fibre_order(users, clock.now(), margin=timedelta(days=10))
    task = await first_critical_task(order)
    await start(api, users, gid("Task", task.id))
    started = clock.now()

    # when time alone takes it past its planned end, and the sweeper comes then
    while (await Task.get(id=task.id)).jeopardy is JeopardyLevel.NONE:
        check = (await ServiceOrder.get(id=order.id)).next_jeopardy_check_at
        assert check is not None
        clock.set(check)
        await sweep_jeopardy()

    # then it is planned to end now, LATE, and says by how much
    running = open_tasks(await schedule_of(api, order.id))[task.number]
    assert running["state"] in {TaskState.IN_PROGRESS.value}
    assert clock.now() > started + timedelta(minutes=task.expected_duration_minutes)
    assert at(running["plannedEndAt"]) == clock.now()
    assert running["jeopardy"] == "LATE"
    assert running["jeopardyReason"] == f"{task.number} is 1 min past its planned end"


REVISE = """
mutation Revise($input: ReviseServiceOrderInput!) {
  reviseServiceOrder(input: $input) {
    serviceOrder { revision expectedCompletionAt } userErrors { code message field }
  }
}"""
ITEM_TASKS = """
query Items($id: ID!) {
  serviceOrder(id: $id) {
    expectedCompletionAt
    lineItems {
      id specification { code }
      domainOrders { tasks { number state plannedStartAt plannedEndAt dueAt } }
    }
  }
}"""


async def test_an_item_added_in_flight_is_planned_in_the_revision_s_transaction(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given a mobile line in progress, due in ten days
    submitted = await submit_service_order(
        users["partner"],
        SubmitOrderInput(
            customer="ACME Corp",
            line_items=[LineItemInput("MOBILE_LINE")],
            requested_completion_date=clock.now() + timedelta(days=10),
        ),
    )
    order = await approve_service_order(users["manager"], submitted.id)
    oid = gid("ServiceOrder", order.id)
    [mobile] = (await api.data("manager", ITEM_TASKS, {"id": oid}))["serviceOrder"]["lineItems"]

    # when, an hour later, the manager adds a fibre line to it
    clock.advance(hours=1)
    data = await api.data(
        "manager",
        REVISE,
        {
            "input": {
                "serviceOrderId": oid,
                "reason": "Fibre too",
                "lineItems": [
                    {"id": mobile["id"], "specificationCode": "MOBILE_LINE"},
                    {"specificationCode": "FIBRE_BROADBAND"},
                ],
            }
        },
    )
    revised = succeeded(data["reviseServiceOrder"], "serviceOrder")

    # then every task of the new item is planned from now, with a due date, and the order is
    # expected no earlier than the fibre's longest chain from now
    after = (await api.data("manager", ITEM_TASKS, {"id": oid}))["serviceOrder"]
    fibre = next(i for i in after["lineItems"] if i["specification"]["code"] == "FIBRE_BROADBAND")
    tasks = [t for domain_order in fibre["domainOrders"] for t in domain_order["tasks"]]
    assert tasks
    assert all(at(t["plannedStartAt"]) >= clock.now() for t in tasks)
    assert all(at(t["plannedEndAt"]) >= at(t["plannedStartAt"]) for t in tasks)
    assert all(t["dueAt"] is not None for t in tasks)
    expected = at(revised["expectedCompletionAt"])
    assert expected == at(after["expectedCompletionAt"])
    assert expected >= clock.now() + timedelta(minutes=FIBRE_MINUTES)
    assert expected >= max(at(t["plannedEndAt"]) for t in tasks)


FAIL = """
mutation Fail($taskId: ID!, $workerId: String!) {
  failAutomatedTask(
    input: {taskId: $taskId, workerId: $workerId, error: "Timed out", retryable: true}
  ) {
    task { state nextAttemptAt plannedStartAt plannedEndAt } userErrors { code message field }
  }
}"""


async def test_an_automated_task_failing_with_attempts_left_is_planned_from_its_next_attempt(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given an automated task of an order, taken by a worker
    order = await fibre_order(users, clock.now(), margin=timedelta(days=10))
    task = await Task.filter(
        service_order_id=order.id, state=TaskState.READY, kind=TaskKind.AUTOMATED
    ).first()
    assert task is not None
    await lock_to(task.id)

    # when the worker reports a failure that may succeed on another attempt
    data = await api.data("automation", FAIL, {"taskId": gid("Task", task.id), "workerId": WORKER})

    # then it is READY again, planned to start at its next attempt: the backoff is time the
    # retry consumes
    failed = succeeded(data["failAutomatedTask"], "task")
    next_attempt = at(failed["nextAttemptAt"])
    assert failed["state"] == "READY" and next_attempt > clock.now()
    assert at(failed["plannedStartAt"]) == next_attempt
    planned = open_tasks(await schedule_of(api, order.id))[task.number]
    assert at(planned["plannedStartAt"]) == next_attempt
    assert at(planned["plannedEndAt"]) == next_attempt + timedelta(
        minutes=task.expected_duration_minutes
    )


async def test_a_change_made_while_the_clock_went_backwards_plans_nothing_earlier(
    api: Api, users: Users, clock: FakeClock
) -> None:
    # given an order scheduled at approval
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=25))
    before = await schedule_of(api, order.id)
    oid = gid("ServiceOrder", order.id)

    # when the clock goes back two hours and the manager holds and resumes the order (a change
    # that recomputes the schedule)
    clock.advance(hours=-2)
    succeeded((await api.data("manager", HOLD, {"id": oid}))["holdServiceOrder"], "serviceOrder")
    succeeded(
        (await api.data("manager", RESUME, {"id": oid}))["resumeServiceOrder"], "serviceOrder"
    )

    # then the order, in progress again, has the schedule it had
    assert await schedule_of(api, order.id) == before
