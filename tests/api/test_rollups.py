"""Rollups through the plan a client reads: a domain order's state and progress cover its whole
subtree, ownProgress its own tasks; items and orders with nothing to do complete at approval."""

from __future__ import annotations

import pytest_asyncio

from models.enums import FalloutAction
from services.catalog import install_catalog
from services.orders import LineItemInput
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users
from tests.api.plan_work import (
    create_fallout,
    domain_orders_of,
    plan,
    resolve,
    tasks_of,
    work,
    work_ready_tasks,
)
from tests.catalogs import NO_TASKS, TASK_LESS_PARENTS, TASKS_ABOVE_TASK_LESS, hollow_catalog
from tests.services.task_plans import approved_order


@pytest_asyncio.fixture
async def hollow(users: Users) -> Users:
    """The demo catalog and users, with the test catalog of task-less products beside them."""
    await install_catalog(hollow_catalog())
    return users


def progress(total: int, done: int) -> dict[str, object]:
    return {
        "totalTasks": total,
        "completedTasks": done,
        "percent": round(100 * done / total, 1) if total else 0.0,
    }


async def test_a_task_less_parent_is_in_progress_while_its_children_work(
    api: Api, hollow: Users
) -> None:
    order_id = (await approved_order(hollow, TASK_LESS_PARENTS)).id

    await work(api, hollow, tasks_of(await plan(api, order_id))["Order the circuit"]["id"])

    domain_orders = domain_orders_of(await plan(api, order_id))
    for code in ("MANAGED_LINK", "LINK_CFS"):
        shown = domain_orders[code]
        assert (shown["state"], shown["progress"], shown["ownProgress"]) == (
            "IN_PROGRESS",
            progress(3, 1),
            progress(0, 0),
        ), code
    circuit = domain_orders["CIRCUIT_RFS"]
    assert (circuit["progress"], circuit["ownProgress"]) == (progress(2, 1), progress(2, 1))


async def test_a_task_less_parent_completes_with_the_last_task_beneath_it(
    api: Api, hollow: Users
) -> None:
    order_id = (await approved_order(hollow, TASK_LESS_PARENTS)).id
    tasks = tasks_of(await plan(api, order_id))
    await work(api, hollow, tasks["Order the circuit"]["id"])
    await work(api, hollow, tasks["Test the circuit end to end"]["id"])
    assert domain_orders_of(await plan(api, order_id))["LINK_CFS"]["state"] == "IN_PROGRESS"

    await work(api, hollow, tasks["Configure the router"]["id"])

    shown = await plan(api, order_id)
    assert {code: d["state"] for code, d in domain_orders_of(shown).items()} == dict.fromkeys(
        ("MANAGED_LINK", "LINK_CFS", "CIRCUIT_RFS", "PORT", "ROUTER_RFS"), "COMPLETED"
    )
    assert (shown["state"], shown["progress"]) == ("COMPLETED", progress(3, 3))


async def test_a_task_less_leaf_is_completed_from_the_start(api: Api, hollow: Users) -> None:
    order_id = (await approved_order(hollow, TASK_LESS_PARENTS)).id

    port = domain_orders_of(await plan(api, order_id))["PORT"]

    assert (port["state"], port["progress"]) == ("COMPLETED", progress(0, 0))


async def test_a_parent_s_tasks_wait_for_the_tasks_beneath_a_task_less_child(
    api: Api, hollow: Users
) -> None:
    order_id = (await approved_order(hollow, TASKS_ABOVE_TASK_LESS)).id

    hand_over = tasks_of(await plan(api, order_id))["Hand the link over to the customer"]

    waits_on = sorted(p["id"] for p in hand_over["dependsOn"])
    tasks = tasks_of(await plan(api, order_id))
    beneath = [tasks[n]["id"] for n in ("Test the circuit end to end", "Configure the router")]
    assert (hand_over["state"], waits_on) == ("PENDING", sorted(beneath))


async def test_an_order_of_a_product_without_tasks_completes_at_approval(
    api: Api, hollow: Users
) -> None:
    order_id = (await approved_order(hollow, NO_TASKS)).id

    shown = await plan(api, order_id)

    assert (shown["state"], shown["progress"]) == ("COMPLETED", progress(0, 0))
    [item] = shown["lineItems"]
    assert (item["state"], item["soldProduct"]) == ("COMPLETED", {"state": "ACTIVE"})


async def test_an_item_without_tasks_does_not_keep_its_order_open(api: Api, hollow: Users) -> None:
    mobile = LineItemInput("MOBILE_LINE")
    order_id = (await approved_order(hollow, mobile, NO_TASKS)).id
    assert [i["state"] for i in (await plan(api, order_id))["lineItems"]] == [
        "PENDING",
        "COMPLETED",
    ]

    await work_ready_tasks(api, hollow, order_id)

    shown = await plan(api, order_id)
    assert (shown["state"], shown["progress"]) == ("COMPLETED", progress(6, 6))
    assert [i["soldProduct"]["state"] for i in shown["lineItems"]] == ["ACTIVE", "ACTIVE"]


async def test_skipping_the_last_task_beneath_a_task_less_parent_completes_it(
    api: Api, hollow: Users
) -> None:
    order_id = (await approved_order(hollow, TASK_LESS_PARENTS)).id
    tasks = tasks_of(await plan(api, order_id))
    await work(api, hollow, tasks["Configure the router"]["id"])
    await work(api, hollow, tasks["Order the circuit"]["id"])

    fallout_id = await create_fallout(api, tasks["Test the circuit end to end"]["id"])
    await resolve(api, fallout_id, FalloutAction.SKIP_TASK)

    shown = await plan(api, order_id)
    assert domain_orders_of(shown)["MANAGED_LINK"]["state"] == "COMPLETED"
    assert (shown["state"], shown["progress"]) == ("COMPLETED", progress(3, 3))
