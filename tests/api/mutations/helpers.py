"""Orders, tasks and fallouts in the states the mutation tests start from (made through the
services), and assertions on payloads."""

from __future__ import annotations

from typing import Any

from models import FalloutRecord, ServiceOrder, Task, User
from models.enums import FalloutType, TaskKind, TaskState
from services.fallouts import create_fallout
from services.orders import LineItemInput, SubmitOrderInput, submit_service_order
from services.tasks import start_task
from tests.api.graphql import gid
from tests.services.task_plans import agent_for, approved_order

Users = dict[str, User]


async def new_order(users: Users, *, external_id: str | None = None) -> ServiceOrder:
    return await submit_service_order(
        users["partner"],
        SubmitOrderInput(
            customer="ACME Corp",
            line_items=[LineItemInput("MOBILE_LINE")],
            external_id=external_id,
        ),
    )


async def in_progress_order(users: Users) -> ServiceOrder:
    return await approved_order(users, "MOBILE_LINE")


async def ready_task(users: Users) -> tuple[Task, User]:
    """A READY, unassigned manual task of a fresh order, and an agent of its group."""
    order = await in_progress_order(users)
    task = await Task.filter(
        service_order_id=order.id, state=TaskState.READY, kind=TaskKind.MANUAL
    ).first()
    assert task is not None
    return task, await agent_for(task, users)


async def started_task(users: Users) -> tuple[Task, User]:
    task, agent = await ready_task(users)
    return await start_task(agent, task.id), agent


async def open_fallout(users: Users) -> FalloutRecord:
    """OPEN, on a task its agent had started (now ON_HOLD)."""
    task, agent = await started_task(users)
    return await create_fallout(agent, task.id, FalloutType.PROVISIONING_FAILURE, "HLR timeout")


def order_id(order: ServiceOrder) -> str:
    return gid("ServiceOrder", order.id)


def task_id(task: Task) -> str:
    return gid("Task", task.id)


def fallout_id(fallout: FalloutRecord) -> str:
    return gid("FalloutRecord", fallout.id)


def user_id(user: User) -> str:
    return gid("User", user.id)


def refused(payload: dict[str, Any], object_field: str) -> tuple[str, str | None]:
    """The (code, field) of a payload's only user error; its object must be null."""
    assert payload[object_field] is None
    [error] = payload["userErrors"]
    assert error["message"]
    return error["code"], error["field"]


def succeeded(payload: dict[str, Any], object_field: str) -> dict[str, Any]:
    assert payload["userErrors"] == []
    value: dict[str, Any] = payload[object_field]
    return value
