"""A dashboard subscribed with `jeopardyAtLeast` gets exactly the jeopardy changes that reach
that level, whether a change or time passing (the sweeper) made them, and nothing else."""

from __future__ import annotations

from datetime import timedelta

from models import Event, ServiceOrder, Task, User
from models.enums import JeopardyLevel, TaskState
from services.events.kinds import EventKind
from services.schedule.sweeper import sweep_jeopardy
from tests.fake_clock import FakeClock
from tests.services.schedule.orders import FIBRE_MINUTES, fibre_order
from tests.services.task_plans import approved_order, start_either
from tests.subscriptions.live_server import LiveServer

ORDER_JEOPARDY = """subscription($level: JeopardyLevel) {
  serviceOrderChanged(jeopardyAtLeast: $level) {
    kind jeopardy previousJeopardy
    serviceOrder { number jeopardy jeopardyReason expectedCompletionAt }
  }
}"""
TASK_JEOPARDY = """subscription($filter: TaskEventFilter) {
  taskChanged(filter: $filter) { kind jeopardy task { number jeopardy jeopardyReason } }
}"""


async def sweep_until(order: ServiceOrder, level: JeopardyLevel, clock: FakeClock) -> None:
    """Move the clock from one jeopardy check of the order to the next, sweeping at each."""
    while (stored := await ServiceOrder.get(id=order.id)).jeopardy is not level:
        assert stored.next_jeopardy_check_at is not None
        clock.set(stored.next_jeopardy_check_at)
        await sweep_jeopardy()


async def start_ready_tasks(order: ServiceOrder, users: dict[str, User]) -> None:
    for task in await Task.filter(service_order_id=order.id, state=TaskState.READY):
        await start_either(task, users)  # an agent a manual task, the test worker an automated one


async def test_an_order_dashboard_gets_the_changes_reaching_late_or_critical_and_nothing_else(
    server: LiveServer, users: dict[str, User], clock: FakeClock
) -> None:
    # given an order on time, and a dashboard of every order reaching LATE
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=25))
    client = await server.client("viewer")
    await client.subscribe_and_wait("1", ORDER_JEOPARDY, {"level": "LATE"})

    # when time takes it to AT_RISK, then (with work started in between) LATE and CRITICAL,
    # and another order is approved already LATE
    await sweep_until(order, JeopardyLevel.AT_RISK, clock)
    await start_ready_tasks(order, users)
    await sweep_until(order, JeopardyLevel.LATE, clock)
    await sweep_until(order, JeopardyLevel.CRITICAL, clock)
    other = await fibre_order(users, clock.now(), margin=-timedelta(hours=3))

    # then the dashboard got the three changes to LATE or above, in order, and nothing else
    got = [(await client.next_data("1"))["serviceOrderChanged"] for _ in range(3)]
    assert [(e["kind"], e["serviceOrder"]["number"], e["jeopardy"]) for e in got] == [
        ("service_order.jeopardy_changed", order.number, "LATE"),
        ("service_order.jeopardy_changed", order.number, "CRITICAL"),
        ("service_order.jeopardy_changed", other.number, "LATE"),
    ]
    assert [e["previousJeopardy"] for e in got] == ["AT_RISK", "LATE", "NONE"]
    assert got[2]["serviceOrder"]["jeopardyReason"].endswith(
        f"after the requested {other.requested_completion_date:%Y-%m-%d}"
    )
    # and nothing came after them (the other order's approval, its tasks): the next delivery
    # is the next order to reach LATE
    last = await fibre_order(users, clock.now(), margin=-timedelta(hours=3))
    following = (await client.next_data("1"))["serviceOrderChanged"]
    assert (following["serviceOrder"]["number"], following["jeopardy"]) == (last.number, "LATE")
    await client.close()


async def test_a_task_dashboard_gets_only_the_tasks_reaching_critical(
    server: LiveServer, users: dict[str, User], clock: FakeClock
) -> None:
    # given
    order = await fibre_order(users, clock.now(), margin=timedelta(hours=25))
    client = await server.client("viewer")
    await client.subscribe_and_wait(
        "1", TASK_JEOPARDY, {"filter": {"serviceOrderId": None, "jeopardyAtLeast": "CRITICAL"}}
    )

    # when its tasks are started and time takes it to CRITICAL, then another order is approved
    # with a task already past its due date (requested an hour after its first task's end)
    await start_ready_tasks(order, users)
    await sweep_until(order, JeopardyLevel.CRITICAL, clock)
    changes = await Event.filter(service_order_id=order.id, kind=EventKind.TASK_JEOPARDY_CHANGED)
    critical = [e for e in changes if e.payload["jeopardy"] == "CRITICAL"]
    other = await fibre_order(users, clock.now(), margin=-timedelta(minutes=FIBRE_MINUTES - 60))

    # then the dashboard got each of the first order's tasks reaching CRITICAL, and nothing
    # else (the tasks' starts, their other levels) before the other order's first CRITICAL task
    assert critical
    got = [(await client.next_data("1"))["taskChanged"] for _ in range(len(critical) + 1)]
    numbers = set(await Task.filter(service_order_id=order.id).values_list("number", flat=True))
    assert [(e["kind"], e["jeopardy"], e["task"]["jeopardy"]) for e in got] == [
        ("task.jeopardy_changed", "CRITICAL", "CRITICAL")
    ] * len(got)
    assert all(e["task"]["number"] in numbers for e in got[:-1])
    assert got[-1]["task"]["number"] not in numbers
    assert await Task.filter(service_order_id=other.id, number=got[-1]["task"]["number"]).exists()
    await client.close()


async def test_a_sweep_that_only_refreshes_an_order_s_dates_delivers_nothing(
    server: LiveServer, users: dict[str, User], clock: FakeClock
) -> None:
    # given an order without a requested date, nothing started, and a dashboard of every
    # order's jeopardy change
    order = await approved_order(users, "FIBRE_BROADBAND")
    client = await server.client("viewer")
    await client.subscribe_and_wait("1", ORDER_JEOPARDY, {"level": "AT_RISK"})

    # when its expected completion passes and the sweeper recomputes its dates, then an order
    # is approved already LATE
    assert order.expected_completion_at is not None
    clock.set(order.expected_completion_at + timedelta(seconds=10))
    await sweep_jeopardy()
    refreshed = await ServiceOrder.get(id=order.id)
    assert refreshed.scheduled_at == clock.now()
    late = await fibre_order(users, clock.now(), margin=-timedelta(hours=3))

    # then the dashboard's first delivery is the late order: the refresh changed no level
    first = (await client.next_data("1"))["serviceOrderChanged"]
    assert (first["serviceOrder"]["number"], first["jeopardy"]) == (late.number, "LATE")
    await client.close()
