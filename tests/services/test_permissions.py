"""The permission matrix: every operation by every role is either allowed or FORBIDDEN.

Each operation is set up so that it would succeed for an allowed role (the task is in the
right state and assigned to the actor, the order is NEW, …): the role is the only variable.
A refusal changes nothing and publishes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from models import ServiceOrder, User
from models.enums import FalloutAction, FalloutType, Role, TaskState
from services.automation import (
    complete_automated_task,
    extend_task_lock,
    fail_automated_task,
    fetch_and_lock_tasks,
)
from services.errors import ForbiddenError
from services.events.publisher import RecordingPublisher
from services.fallouts import create_fallout, reassign_fallout, resolve_fallout
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    reject_service_order,
    reopen_service_order,
    submit_service_order,
)
from services.tasks import complete_task, reassign_task, start_task
from tests.services.automation.plans import HANDLER, WORKER, automated_plan, fetch
from tests.services.task_plans import build_plan, put_task, snapshot

# Prepares the operation for `actor` (with the demo users at hand) and returns the call.
Setup = Callable[[User, dict[str, User]], Awaitable[Callable[[], Awaitable[object]]]]

USER_OF_ROLE = {
    Role.ORDER_MANAGER: "manager",
    Role.FULFILLMENT_AGENT: "agent1",
    Role.VIEWER: "viewer",
    Role.INTEGRATOR: "partner",
    Role.ADMIN: "admin",
    Role.AUTOMATION: "automation",
}


async def new_order(users: dict[str, User]) -> ServiceOrder:
    return await submit_service_order(
        users["partner"],
        SubmitOrderInput(customer="ACME Corp", line_items=[LineItemInput("MOBILE_LINE")]),
    )


async def task_of(actor: User, users: dict[str, User], state: TaskState) -> int:
    plan = await build_plan(users["partner"], {"item": {"do": {"a": []}}})
    await put_task(plan.task_ids["a"], state, assignee=actor)
    return plan.task_ids["a"]


async def open_fallout(users: dict[str, User]) -> int:
    task_id = await task_of(users["agent1"], users, TaskState.IN_PROGRESS)
    fallout = await create_fallout(users["agent1"], task_id, FalloutType.OTHER, "broken")
    return fallout.id


async def submit(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    data = SubmitOrderInput(customer="ACME Corp", line_items=[LineItemInput("MOBILE_LINE")])
    return lambda: submit_service_order(actor, data)


async def approve(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    order = await new_order(users)
    return lambda: approve_service_order(actor, order.id)


async def reject(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    order = await new_order(users)
    return lambda: reject_service_order(actor, order.id, "credit check failed")


async def reopen(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    order = await new_order(users)
    await reject_service_order(users["manager"], order.id, "credit check failed")
    return lambda: reopen_service_order(actor, order.id, "cleared")


async def start(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    task_id = await task_of(actor, users, TaskState.READY)
    return lambda: start_task(actor, task_id)


async def complete(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    task_id = await task_of(actor, users, TaskState.IN_PROGRESS)
    return lambda: complete_task(actor, task_id)


async def reassign(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    task_id = await task_of(users["agent1"], users, TaskState.IN_PROGRESS)
    return lambda: reassign_task(actor, task_id, users["agent2"].id, "rebalancing")


async def report(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    task_id = await task_of(actor, users, TaskState.IN_PROGRESS)
    return lambda: create_fallout(actor, task_id, FalloutType.OTHER, "broken")


async def reassign_fo(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    fallout_id = await open_fallout(users)
    return lambda: reassign_fallout(actor, fallout_id, users["agent2"].id)


async def resolve(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    fallout_id = await open_fallout(users)
    return lambda: resolve_fallout(actor, fallout_id, FalloutAction.RETRY_TASK, "again")


async def automated_task(users: dict[str, User], *, locked: bool) -> int:
    plan = await automated_plan(users["partner"])
    if locked:
        await fetch(users)
    return plan.task_ids["a"]


async def fetch_tasks(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    await automated_task(users, locked=False)
    return lambda: fetch_and_lock_tasks(
        actor, worker_id=WORKER, handlers=[HANDLER], max_tasks=5, lock_seconds=60
    )


async def complete_automated(
    actor: User, users: dict[str, User]
) -> Callable[[], Awaitable[object]]:
    task_id = await automated_task(users, locked=True)
    return lambda: complete_automated_task(actor, task_id=task_id, worker_id=WORKER, output={})


async def fail_automated(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    task_id = await automated_task(users, locked=True)
    return lambda: fail_automated_task(
        actor, task_id=task_id, worker_id=WORKER, error="timeout", retryable=True
    )


async def extend(actor: User, users: dict[str, User]) -> Callable[[], Awaitable[object]]:
    task_id = await automated_task(users, locked=True)
    return lambda: extend_task_lock(actor, task_id=task_id, worker_id=WORKER, lock_seconds=30)


MANAGER, AGENT, VIEWER, INTEGRATOR, ADMIN, AUTOMATION = (
    Role.ORDER_MANAGER,
    Role.FULFILLMENT_AGENT,
    Role.VIEWER,
    Role.INTEGRATOR,
    Role.ADMIN,
    Role.AUTOMATION,
)
# operation → (its setup, the roles allowed to do it)
MATRIX: dict[str, tuple[Setup, frozenset[Role]]] = {
    "submit": (submit, frozenset({MANAGER, INTEGRATOR})),
    "approve": (approve, frozenset({MANAGER})),
    "reject": (reject, frozenset({MANAGER})),
    "reopen": (reopen, frozenset({MANAGER})),
    "start task": (start, frozenset({AGENT})),
    "complete task": (complete, frozenset({AGENT})),
    "reassign task": (reassign, frozenset({MANAGER})),
    "create fallout": (report, frozenset({MANAGER, AGENT})),
    "reassign fallout": (reassign_fo, frozenset({MANAGER})),
    "resolve fallout": (resolve, frozenset({MANAGER})),
    "fetch and lock tasks": (fetch_tasks, frozenset({AUTOMATION})),
    "complete automated task": (complete_automated, frozenset({AUTOMATION})),
    "fail automated task": (fail_automated, frozenset({AUTOMATION})),
    "extend task lock": (extend, frozenset({AUTOMATION})),
}
CASES = [
    pytest.param(operation, role, role in allowed, id=f"{operation}-{role.value}")
    for operation, (_, allowed) in MATRIX.items()
    for role in Role
]


@pytest.mark.parametrize(("operation", "role", "allowed"), CASES)
async def test_each_role_may_or_may_not_do_each_operation(
    users: dict[str, User],
    published: RecordingPublisher,
    operation: str,
    role: Role,
    allowed: bool,
) -> None:
    setup, _ = MATRIX[operation]
    call = await setup(users[USER_OF_ROLE[role]], users)
    published.published.clear()
    before = await snapshot()

    if allowed:
        assert await call() is not None
        assert published.published
    else:
        with pytest.raises(ForbiddenError):
            await call()
        assert await snapshot() == before
        assert published.published == []


async def test_a_deactivated_manager_may_do_nothing(users: dict[str, User]) -> None:
    users["manager"].is_active = False
    await users["manager"].save()
    call = await reassign(users["manager"], users)

    with pytest.raises(ForbiddenError):
        await call()
