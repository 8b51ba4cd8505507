"""Rolling task states up to domain orders, line items, sold products and the order."""

from __future__ import annotations

from collections import Counter

import pytest

from models import DomainOrder, Event, LineItem, ServiceOrder, SoldProduct, Task, User
from models.enums import (
    FalloutAction,
    FalloutType,
    FulfillmentState,
    ServiceOrderState,
    SoldProductState,
    TaskState,
)
from services.clock import now
from services.fallouts import create_fallout, resolve_fallout
from services.orders.rules import order_state_from_items
from services.progress import percent_done
from services.rollup import TaskTally, roll_up, subtree_tallies
from services.tasks import complete_task, start_task
from services.unit_of_work import unit_of_work
from tests.services.plan_oracle import expected_vs_stored
from tests.services.task_plans import (
    agent_for,
    approved_order,
    build_plan,
    put_task,
    work_every_task,
)

T = TaskState
F = FulfillmentState


@pytest.mark.parametrize(
    ("tasks", "attempts", "state"),
    [
        ({T.PENDING: 2, T.READY: 1}, 0, F.PENDING),
        ({T.READY: 1}, 1, F.IN_PROGRESS),  # retried after a start
        ({T.IN_PROGRESS: 1, T.PENDING: 3}, 1, F.IN_PROGRESS),
        ({T.ON_HOLD: 1, T.READY: 1}, 0, F.IN_PROGRESS),
        ({T.COMPLETED: 1, T.PENDING: 1}, 1, F.IN_PROGRESS),
        ({T.SKIPPED: 1, T.READY: 1}, 0, F.IN_PROGRESS),
        ({T.COMPLETED: 2, T.SKIPPED: 1}, 2, F.COMPLETED),
        ({T.COMPLETED: 1, T.CANCELLED: 1}, 1, F.COMPLETED),
        ({T.CANCELLED: 2}, 0, F.CANCELLED),
        ({}, 0, F.COMPLETED),  # nothing to do
    ],
    ids=str,
)
def test_the_state_of_a_domain_order_follows_its_tasks(
    tasks: dict[TaskState, int], attempts: int, state: FulfillmentState
) -> None:
    assert TaskTally(Counter(tasks), attempts).fulfillment_state() is state


def test_cancelled_tasks_do_not_count_and_skipped_ones_are_done() -> None:
    tally = TaskTally(Counter({T.COMPLETED: 2, T.SKIPPED: 1, T.CANCELLED: 3, T.READY: 1}))

    assert (tally.total, tally.done) == (4, 3)


@pytest.mark.parametrize(
    ("items", "state"),
    [
        ([F.COMPLETED, F.IN_PROGRESS], ServiceOrderState.IN_PROGRESS),
        ([F.COMPLETED, F.PENDING], ServiceOrderState.IN_PROGRESS),
        ([F.COMPLETED, F.COMPLETED], ServiceOrderState.COMPLETED),
        ([F.COMPLETED, F.CANCELLED], ServiceOrderState.PARTIAL),
        ([F.COMPLETED, F.FAILED], ServiceOrderState.PARTIAL),
        ([F.FAILED, F.FAILED], ServiceOrderState.FAILED),
        ([F.CANCELLED, F.CANCELLED], ServiceOrderState.CANCELLED),
        ([F.CANCELLED, F.FAILED], ServiceOrderState.PARTIAL),
        ([F.CANCELLING, F.CANCELLED], ServiceOrderState.CANCELLING),
        ([F.CANCELLING, F.COMPLETED], ServiceOrderState.CANCELLING),
        ([F.CANCELLING, F.IN_PROGRESS], ServiceOrderState.IN_PROGRESS),
    ],
    ids=str,
)
def test_the_state_of_the_order_follows_its_line_items(
    items: list[FulfillmentState], state: ServiceOrderState
) -> None:
    assert order_state_from_items(items) is state


@pytest.mark.parametrize(
    ("items", "failing", "state"),
    [
        # the only undoing is a failed item's: nobody cancelled the order
        ([F.CANCELLING], 1, ServiceOrderState.IN_PROGRESS),
        ([F.CANCELLING, F.COMPLETED], 1, ServiceOrderState.IN_PROGRESS),
        # one failed item undoing, one cancelled item undoing: the order is being cancelled
        ([F.CANCELLING, F.CANCELLING], 1, ServiceOrderState.CANCELLING),
        ([F.CANCELLING, F.CANCELLED], 1, ServiceOrderState.IN_PROGRESS),
        # once undone, the failure is final like any other state
        ([F.FAILED, F.COMPLETED], 0, ServiceOrderState.PARTIAL),
    ],
    ids=str,
)
def test_an_order_whose_only_undoing_is_a_failed_items_is_in_progress_not_cancelling(
    items: list[FulfillmentState], failing: int, state: ServiceOrderState
) -> None:
    assert order_state_from_items(items, failing=failing) is state


@pytest.mark.parametrize(
    ("tasks", "state"),
    [
        ({T.CANCELLED: 2, T.COMPLETED: 1}, F.CANCELLED),
        ({T.CANCELLED: 1, T.COMPLETED: 1, T.READY: 1}, F.CANCELLING),
        ({}, F.CANCELLED),
    ],
    ids=str,
)
def test_a_cancelled_item_is_cancelling_while_a_task_of_it_is_open(
    tasks: dict[TaskState, int], state: FulfillmentState
) -> None:
    assert TaskTally(Counter(tasks)).cancelled_state() is state


def test_progress_is_done_over_total_in_percent() -> None:
    assert (percent_done(3, 4), percent_done(1, 3), percent_done(0, 0)) == (75.0, 33.3, 0.0)


async def test_an_order_whose_tasks_are_all_done_is_completed(users: dict[str, User]) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND", "MOBILE_LINE")

    await work_every_task(order.id, users)

    stored = await ServiceOrder.get(id=order.id)
    assert (stored.state, stored.tasks_total, stored.tasks_done) == (
        ServiceOrderState.COMPLETED,
        13,
        13,
    )
    assert stored.completed_at is not None
    items = await LineItem.filter(service_order_id=order.id)
    assert [item.state for item in items] == [F.COMPLETED, F.COMPLETED]
    assert (
        not await DomainOrder.filter(service_order_id=order.id).exclude(state=F.COMPLETED).exists()
    )


async def test_the_customer_owns_the_products_of_a_completed_order(
    users: dict[str, User],
) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND", "MOBILE_LINE")

    await work_every_task(order.id, users)

    products = await SoldProduct.filter(line_item__service_order_id=order.id)
    assert [p.state for p in products] == [SoldProductState.ACTIVE] * 2
    assert all(p.activated_at is not None for p in products)


async def test_every_level_changes_state_once_with_an_event(users: dict[str, User]) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")

    await work_every_task(order.id, users)

    changes = Counter(
        (e.kind, e.previous_state, e.new_state)
        for e in await Event.filter(service_order_id=order.id)
        if e.kind.endswith("state_changed") or e.kind == "sold_product.activated"
    )
    assert changes == {
        ("service_order.state_changed", "ACKNOWLEDGED", "IN_PROGRESS"): 1,
        ("service_order.state_changed", "IN_PROGRESS", "COMPLETED"): 1,
        ("line_item.state_changed", "PENDING", "IN_PROGRESS"): 1,
        ("line_item.state_changed", "IN_PROGRESS", "COMPLETED"): 1,
        ("sold_product.activated", "PENDING", "ACTIVE"): 1,
        # FIBRE_BROADBAND decomposes into five domain orders.
        ("domain_order.state_changed", "PENDING", "IN_PROGRESS"): 5,
        ("domain_order.state_changed", "IN_PROGRESS", "COMPLETED"): 5,
    }


async def test_the_order_version_moves_only_with_its_state(users: dict[str, User]) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    task = await Task.filter(service_order_id=order.id, state=T.READY).first()
    assert task is not None
    agent = await agent_for(task, users)
    await start_task(agent, task.id)

    await complete_task(agent, task.id)

    stored = await ServiceOrder.get(id=order.id)
    assert (stored.version, stored.tasks_done) == (order.version, 1)


async def test_skipped_tasks_count_as_done(users: dict[str, User]) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    task = await Task.filter(service_order_id=order.id, state=T.READY).first()
    assert task is not None
    fallout = await create_fallout(users["manager"], task.id, FalloutType.OTHER, "not needed")

    await resolve_fallout(users["manager"], fallout.id, FalloutAction.SKIP_TASK, "skip it")

    stored = await ServiceOrder.get(id=order.id)
    assert (stored.tasks_total, stored.tasks_done) == (7, 1)
    expected, actual = await expected_vs_stored(order.id)
    assert actual == expected


async def test_an_order_with_skipped_tasks_still_completes(users: dict[str, User]) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    for task in await Task.filter(service_order_id=order.id, state=T.READY):
        fallout = await create_fallout(users["manager"], task.id, FalloutType.OTHER, "n/a")
        await resolve_fallout(users["manager"], fallout.id, FalloutAction.SKIP_TASK, "skip")

    await work_every_task(order.id, users)

    stored = await ServiceOrder.get(id=order.id)
    assert (stored.state, stored.tasks_done) == (ServiceOrderState.COMPLETED, 6)


async def test_a_retried_task_is_ready_again_and_its_domain_order_stays_in_progress(
    users: dict[str, User],
) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    task = await Task.filter(service_order_id=order.id, state=T.READY).first()
    assert task is not None
    agent = await agent_for(task, users)
    await start_task(agent, task.id)
    fallout = await create_fallout(agent, task.id, FalloutType.PROVISIONING_FAILURE, "timeout")

    await resolve_fallout(users["manager"], fallout.id, FalloutAction.RETRY_TASK, "retry")

    assert (await Task.get(id=task.id)).state is T.READY
    assert (await DomainOrder.get(id=task.domain_order_id)).state is F.IN_PROGRESS
    expected, actual = await expected_vs_stored(order.id)
    assert actual == expected


async def test_a_domain_order_of_cancelled_tasks_is_cancelled(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], {"item": {"a": {"x": []}, "b": {"y": []}}})
    await put_task(plan.task_ids["x"], T.CANCELLED)
    order = await plan.order()

    async with unit_of_work(None) as uow:
        await roll_up(uow, order, [plan.domain_order_ids["a"]])

    assert (await plan.domain_order("a")).state is F.CANCELLED
    assert ((await plan.line_item("item")).tasks_total, order.tasks_total) == (1, 1)


async def test_an_order_with_a_cancelled_item_ends_partial(users: dict[str, User]) -> None:
    plan = await build_plan(users["partner"], {"one": {"a": {"x": []}}, "two": {"b": {"y": []}}})
    # "one" cancelled (its cancellation is recorded on the item), "two" done
    await LineItem.filter(id=plan.line_item_ids["one"]).update(cancelled_at=now())
    await put_task(plan.task_ids["x"], T.CANCELLED)
    await put_task(plan.task_ids["y"], T.COMPLETED)
    order = await plan.order()
    version = order.version

    async with unit_of_work(None) as uow:
        await roll_up(uow, order, plan.domain_order_ids.values())

    stored = await plan.order()
    assert (stored.state, stored.version) == (ServiceOrderState.PARTIAL, version + 1)
    assert (await plan.sold_product("one")).state is SoldProductState.CANCELLED
    assert (await plan.sold_product("two")).state is SoldProductState.ACTIVE


async def test_an_item_whose_every_task_a_revision_cancelled_is_completed(
    users: dict[str, User],
) -> None:
    # "one" not cancelled, yet all its tasks are (a revision left it nothing to do)
    plan = await build_plan(users["partner"], {"one": {"a": {"x": []}}})
    await put_task(plan.task_ids["x"], T.CANCELLED)

    async with unit_of_work(None) as uow:
        await roll_up(uow, await plan.order(), plan.domain_order_ids.values())

    assert (await plan.line_item("one")).state is FulfillmentState.COMPLETED
    assert (await plan.order()).state is ServiceOrderState.COMPLETED
    assert (await plan.sold_product("one")).state is SoldProductState.ACTIVE


def test_a_domain_order_s_tally_adds_up_its_whole_subtree() -> None:
    # root ─ middle (no tasks) ─ leaf;  root ─ other
    own = {
        "root": TaskTally(Counter({T.READY: 1})),
        "leaf": TaskTally(Counter({T.COMPLETED: 2}), attempts=2),
        "other": TaskTally(Counter({T.IN_PROGRESS: 1}), attempts=1),
    }
    parents = {"root": None, "middle": "root", "leaf": "middle", "other": "root"}

    subtrees = subtree_tallies(own, parents)

    assert {k: (t.total, t.done, t.fulfillment_state()) for k, t in subtrees.items()} == {
        "root": (4, 2, F.IN_PROGRESS),
        "middle": (2, 2, F.COMPLETED),
        "leaf": (2, 2, F.COMPLETED),
        "other": (1, 0, F.IN_PROGRESS),
    }
