"""What a fetch takes: READY automated tasks of the worker's handlers whose attempt is due, at
most maxTasks, oldest first and from each order in turn, none of a HELD order; each locked for
at most its template's lock_seconds."""

from __future__ import annotations

from datetime import timedelta

from models import Task, User
from models.enums import TaskState
from services.orders.hold import hold_service_order
from services.orders.resume import resume_service_order
from tests.fake_clock import FakeClock
from tests.services.automation.plans import POLICY, automate, automated_plan, fetch


async def test_a_fetch_takes_the_oldest_due_tasks_of_its_handlers_up_to_max_tasks(
    users: dict[str, User],
) -> None:
    plan = await automated_plan(users["partner"], ("a", "b", "c"))
    await automate(plan.task_ids["c"], handler="other.topic")

    locked = await fetch(users, max_tasks=1)
    more = await fetch(users, max_tasks=10)

    assert [t.task.id for t in locked] == [plan.task_ids["a"]]
    assert [t.task.id for t in more] == [plan.task_ids["b"]]
    assert (await plan.task("c")).state is TaskState.READY


async def test_a_fetch_takes_from_each_order_in_turn_oldest_first(
    users: dict[str, User],
) -> None:
    # given two orders of three READY automated tasks each, the first the older
    first = await automated_plan(users["partner"], ("a", "b", "c"))
    second = await automated_plan(users["partner"], ("a", "b", "c"))

    # when a worker fetches four
    locked = await fetch(users, max_tasks=4)

    # then it took the two oldest of each order, in turn (their completions need not wait for
    # each other's order lock), and left the youngest of each READY
    assert [t.task.id for t in locked] == [
        first.task_ids["a"],
        second.task_ids["a"],
        first.task_ids["b"],
        second.task_ids["b"],
    ]
    assert (await first.task("c")).state is TaskState.READY
    assert (await second.task("c")).state is TaskState.READY


async def test_a_lock_lasts_at_most_the_templates_lock_seconds(
    users: dict[str, User], clock: FakeClock
) -> None:
    await automated_plan(users["partner"])

    [locked] = await fetch(users, lock_seconds=3600)

    assert locked.task.lock_expires_at == clock.now() + timedelta(seconds=POLICY.lock_seconds)


async def test_a_held_orders_tasks_wait_for_its_resumption(users: dict[str, User]) -> None:
    plan = await automated_plan(users["partner"])
    await hold_service_order(users["manager"], plan.order_id, "Permit pending")

    while_held = await fetch(users)
    await resume_service_order(users["manager"], plan.order_id)
    resumed = await fetch(users)

    assert while_held == []
    assert [t.task.id for t in resumed] == [plan.task_ids["a"]]
    assert (await Task.get(id=plan.task_ids["a"])).state is TaskState.IN_PROGRESS
