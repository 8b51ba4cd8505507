"""Every demo product, worked through the API with fallout on every task (reported while it is
PENDING, READY or IN_PROGRESS, in turn) and every mix of resolutions, ends COMPLETED: done
tasks only, every level rolled up, and dependency order kept at every round."""

from __future__ import annotations

from itertools import cycle

import pytest

from models.enums import FalloutAction
from services.catalog import CatalogDocument
from services.orders import LineItemInput
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users
from tests.api.plan_work import (
    DONE,
    all_domain_orders,
    all_tasks,
    create_fallout,
    out_of_order,
    plan,
    resolve,
    start,
    work,
)
from tests.services.task_plans import approved_order

A = FalloutAction
# Each finishing action alone (chains of outcomes decided while waiting), and all three in
# turn (which the stateful test mixes at random on top).
MIXES = {
    "complete": [A.COMPLETE_TASK],
    "skip": [A.SKIP_TASK],
    "all three in turn": [A.RETRY_TASK, A.COMPLETE_TASK, A.SKIP_TASK],
}
# The state in which the n-th task (by number) gets its fallout (see `reportable`).
REPORTED_WHEN = ("PENDING", "READY", "IN_PROGRESS")
PRODUCTS = ("FIBRE_BROADBAND", "BUSINESS_SDWAN", "MOBILE_LINE", "TV_VOICE_BUNDLE")


def test_every_demo_product_is_worked(demo_catalog: CatalogDocument) -> None:
    products = {s.code for s in demo_catalog.specifications if s.kind == "PRODUCT"}

    assert products == set(PRODUCTS)


@pytest.mark.parametrize("mix", list(MIXES))
@pytest.mark.parametrize("product", PRODUCTS)
async def test_every_demo_product_ends_completed_whatever_the_resolutions(
    api: Api, users: Users, product: str, mix: str
) -> None:
    order_id = (await approved_order(users, LineItemInput(product))).id
    actions = cycle(MIXES[mix])
    reported: set[str] = set()

    for _round in range(50):
        shown = await plan(api, order_id)
        assert out_of_order(shown) == []
        if all(t["state"] in DONE for t in all_tasks(shown)):
            break
        for n, task in enumerate(all_tasks(shown)):
            if task["number"] not in reported and reportable(task["state"], n):
                if REPORTED_WHEN[n % 3] == "IN_PROGRESS":
                    await start(api, users, task["id"])
                reported.add(task["number"])
                await resolve(api, await create_fallout(api, task["id"]), next(actions))
        for task in all_tasks(await plan(api, order_id)):
            if task["state"] == "READY" and task["number"] in reported:
                await work(api, users, task["id"])

    shown = await plan(api, order_id)
    tasks = all_tasks(shown)
    assert reported == {t["number"] for t in tasks}
    assert {t["state"] for t in tasks} <= DONE
    assert (shown["state"], shown["progress"]["completedTasks"]) == ("COMPLETED", len(tasks))
    [item] = shown["lineItems"]
    assert (item["state"], item["soldProduct"]["state"]) == ("COMPLETED", "ACTIVE")
    assert {d["state"] for d in all_domain_orders(shown)} == {"COMPLETED"}


def reportable(state: str, n: int) -> bool:
    """Whether the n-th task gets its fallout now: in its turn's state, or READY when its turn
    is PENDING (a task that waits for nothing is never PENDING) or IN_PROGRESS (it is started
    first)."""
    if REPORTED_WHEN[n % 3] == "PENDING":
        return state in {"PENDING", "READY"}
    return state == "READY"
