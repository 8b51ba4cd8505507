"""Resolving fallout keeps dependency order: COMPLETE_TASK and SKIP_TASK on a task that still
waits are recorded, and the task finishes as decided once everything it waits on is done."""

from __future__ import annotations

import pytest

from models.enums import FalloutAction
from services.orders import LineItemInput
from tests.api.graphql import Api
from tests.api.mutations.helpers import Users
from tests.api.plan_work import (
    create_fallout,
    out_of_order,
    plan,
    refused_start,
    resolve,
    tasks_of,
    work,
    work_ready_tasks,
)
from tests.services.task_plans import approved_order

ACTIVATE = "Activate internet service and test throughput"
BILLING = "Start broadband billing"
FINISHING = [(FalloutAction.COMPLETE_TASK, "COMPLETED"), (FalloutAction.SKIP_TASK, "SKIPPED")]


async def fibre_order(users: Users) -> int:
    """FIBRE_BROADBAND: survey → install, OLT port, ONT → activate internet → start billing."""
    fibre = LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "IPV4"})
    return (await approved_order(users, fibre)).id


@pytest.mark.parametrize(("action", "outcome"), FINISHING, ids=str)
async def test_a_waiting_task_resolved_as_finished_waits_for_its_predecessors(
    api: Api, users: Users, action: FalloutAction, outcome: str
) -> None:
    order_id = await fibre_order(users)
    activate = tasks_of(await plan(api, order_id))[ACTIVATE]
    fallout_id = await create_fallout(api, activate["id"])

    task = await resolve(api, fallout_id, action)

    assert task == {"state": "PENDING", "deferredOutcome": outcome}
    shown = await plan(api, order_id)
    assert tasks_of(shown)[BILLING]["state"] == "PENDING"
    assert out_of_order(shown) == []


@pytest.mark.parametrize(("action", "outcome"), FINISHING, ids=str)
async def test_the_decided_outcome_applies_when_the_last_predecessor_is_done(
    api: Api, users: Users, action: FalloutAction, outcome: str
) -> None:
    order_id = await fibre_order(users)
    activate = tasks_of(await plan(api, order_id))[ACTIVATE]
    await resolve(api, await create_fallout(api, activate["id"]), action)

    await work_ready_tasks(api, users, order_id)

    shown = await plan(api, order_id)
    tasks = tasks_of(shown)
    assert (tasks[ACTIVATE]["state"], tasks[ACTIVATE]["deferredOutcome"]) == (outcome, None)
    # Billing was released by the outcome and worked like any READY task.
    assert tasks[BILLING]["state"] == "COMPLETED"
    assert shown["state"] == "COMPLETED"


async def test_nothing_after_a_waiting_resolved_task_can_start_early(
    api: Api, users: Users
) -> None:
    order_id = await fibre_order(users)
    tasks = tasks_of(await plan(api, order_id))
    await resolve(api, await create_fallout(api, tasks[ACTIVATE]["id"]), FalloutAction.SKIP_TASK)

    code = await refused_start(api, users, tasks[BILLING]["id"])

    assert code == "INVALID_STATE"


async def test_a_new_fallout_reopens_a_decided_outcome(api: Api, users: Users) -> None:
    order_id = await fibre_order(users)
    activate = tasks_of(await plan(api, order_id))[ACTIVATE]
    await resolve(api, await create_fallout(api, activate["id"]), FalloutAction.COMPLETE_TASK)

    task = await resolve(api, await create_fallout(api, activate["id"]), FalloutAction.RETRY_TASK)

    assert task == {"state": "PENDING", "deferredOutcome": None}
    await work_ready_tasks(api, users, order_id)
    assert tasks_of(await plan(api, order_id))[ACTIVATE]["state"] == "COMPLETED"


@pytest.mark.parametrize(("action", "outcome"), FINISHING, ids=str)
async def test_a_task_whose_predecessors_are_done_finishes_at_once(
    api: Api, users: Users, action: FalloutAction, outcome: str
) -> None:
    order_id = await fibre_order(users)
    while ready := [
        task
        for name, task in tasks_of(await plan(api, order_id)).items()
        if task["state"] == "READY" and name != ACTIVATE
    ]:
        for task in ready:
            await work(api, users, task["id"])
    fallout_id = await create_fallout(api, tasks_of(await plan(api, order_id))[ACTIVATE]["id"])

    task = await resolve(api, fallout_id, action)

    assert task == {"state": outcome, "deferredOutcome": None}
    assert tasks_of(await plan(api, order_id))[BILLING]["state"] == "READY"
