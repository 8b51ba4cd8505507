"""Every transition checks a call in one order (services/transitions.py): the object exists
(NOT_FOUND), then the actor may act on it (FORBIDDEN), then they saw its current version
(CONFLICT), then its state allows the transition (INVALID_STATE), then the rest of the input
(VALIDATION, or NOT_FOUND for an id it names). So a call with two faults always gets the code
of the one that comes first, whichever mutation it is: the table below tries every pair of
faults each mutation can have, and the call changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from itertools import combinations
from typing import Any

import pytest

from models import FalloutRecord, LineItem, ServiceOrder, Task
from models.enums import FalloutAction, ServiceOrderState, TaskKind, TaskState
from schema.build import build_schema
from services.fallouts import resolve_fallout
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    hold_service_order,
    reject_service_order,
    submit_service_order,
)
from services.orders.cancel import cancel_service_order
from services.settings import Settings
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import (
    Users,
    fallout_id,
    in_progress_order,
    new_order,
    open_fallout,
    order_id,
    ready_task,
    task_id,
    user_id,
)
from tests.services.automation.plans import lock_to
from tests.services.task_plans import put_task, snapshot


class Fault(Enum):
    """Each fault a call can have, in the order the checks find them."""

    UNKNOWN_OBJECT = "an id that names nothing"
    FORBIDDEN_ROLE = "a role that may not do this"
    NOT_THEIRS = "a role that may, but not to this object"
    STALE_VERSION = "an expectedVersion that is not the object's"
    WRONG_STATE = "a state that does not allow it"
    BAD_INPUT = "bad input beside the object's id"


ORDER = list(Fault)
CODES = {
    Fault.UNKNOWN_OBJECT: "NOT_FOUND",
    Fault.FORBIDDEN_ROLE: "FORBIDDEN",
    Fault.NOT_THEIRS: "FORBIDDEN",
    Fault.STALE_VERSION: "CONFLICT",
    Fault.WRONG_STATE: "INVALID_STATE",
    # BAD_INPUT: the code of each input fault, given with it (Transition.bad_inputs).
}


@dataclass(frozen=True)
class Given:
    """The call that would succeed: who makes it, with what input, on an object of this
    version; and someone whose role may do it, but not to this object (if there is such a
    rule)."""

    actor: str
    input: dict[str, Any]
    version: int
    not_theirs: str | None = None


# Makes the object in a state that allows the call, or (True) in one that does not.
Setup = Callable[[Users, bool], Awaitable[Given]]


@dataclass(frozen=True)
class Transition:
    mutation: str
    input_type: str
    payload: str
    target: str | None  # the input field that names the object, and its type
    target_type: str
    given: Setup
    faults: frozenset[Fault]
    # Input faults: the overrides, and the code each one is refused with.
    bad_inputs: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    # What makes the call stale, if not an expectedVersion: a worker's answer is stale when
    # the worker no longer holds the task's lock (services/automation/leases.py).
    stale: dict[str, Any] | None = None
    selection: str = "{ id }"

    def document(self) -> str:
        return (
            f"mutation($input: {self.input_type}!) {{ {self.mutation}(input: $input) {{ "
            f"{self.payload} {self.selection} userErrors {{ code field }} }} }}"
        )


def _decision(*, rejected_is_wrong: bool, **fields: Any) -> Setup:
    """A NEW order, or a REJECTED one, for a manager."""

    async def given(users: Users, wrong_state: bool) -> Given:
        order = await new_order(users)
        if wrong_state == rejected_is_wrong:
            order = await reject_service_order(users["manager"], order.id, "Not viable")
        return Given("manager", {"serviceOrderId": order_id(order), **fields}, order.version)

    return given


def _task(allowed: TaskState, wrong: TaskState, **fields: Any) -> Setup:
    """A task in `allowed` (or `wrong`) state assigned to an agent, who acts."""

    async def given(users: Users, wrong_state: bool) -> Given:
        task, agent = await ready_task(users)
        task = await put_task(task.id, wrong if wrong_state else allowed, assignee=agent)
        other = users["agent2"] if agent.username == "agent1" else users["agent1"]
        values = {"taskId": task_id(task), **fields}
        return Given(agent.username, values, task.version, not_theirs=other.username)

    return given


def _managed_task(allowed: TaskState, wrong: TaskState, **fields: Any) -> Setup:
    """The same, for a manager to act on."""
    as_agent = _task(allowed, wrong, **fields)

    async def given(users: Users, wrong_state: bool) -> Given:
        found = await as_agent(users, wrong_state)
        return Given("manager", found.input, found.version)

    return given


def _fallout(**fields: Any) -> Setup:
    """An OPEN fallout (or a RESOLVED one) for a manager."""

    async def given(users: Users, wrong_state: bool) -> Given:
        fallout = await open_fallout(users)
        if wrong_state:
            await resolve_fallout(users["manager"], fallout.id, FalloutAction.SKIP_TASK, "Done")
            fallout = await FalloutRecord.get(id=fallout.id)
        return Given("manager", {"falloutId": fallout_id(fallout), **fields}, fallout.version)

    return given


def _leased(**fields: Any) -> Setup:
    """An automated task locked to a worker, who answers (or one left CANCELLED under the
    lock, as a cancellation does, which no answer can change)."""

    async def given(users: Users, wrong_state: bool) -> Given:
        order = await in_progress_order(users)
        task = await Task.filter(
            service_order_id=order.id, state=TaskState.READY, kind=TaskKind.AUTOMATED
        ).first()
        assert task is not None
        task = await lock_to(task.id, "worker-1")
        if wrong_state:
            task.state = TaskState.CANCELLED
            await task.save()
        values = {"taskId": task_id(task), "workerId": "worker-1", **fields}
        return Given("automation", values, task.version)

    return given


async def _fetch(users: Users, wrong_state: bool) -> Given:
    """A worker fetching (there is no object: its tasks are whatever is due)."""
    await in_progress_order(users)
    values = {"workerId": "worker-1", "handlers": ["demo.allocate_resource"], "lockSeconds": 60}
    return Given("automation", values, 0)


async def _hold(users: Users, wrong_state: bool) -> Given:
    """An IN_PROGRESS order (or a NEW one) for a manager."""
    order = await (new_order(users) if wrong_state else in_progress_order(users))
    values = {"serviceOrderId": order_id(order), "reason": "Permit pending"}
    return Given("manager", values, order.version)


async def _resume(users: Users, wrong_state: bool) -> Given:
    """A HELD order (or one IN_PROGRESS) for a manager."""
    order = await in_progress_order(users)
    if not wrong_state:
        order = await hold_service_order(users["manager"], order.id, "Permit pending")
    return Given("manager", {"serviceOrderId": order_id(order)}, order.version)


async def _revision(users: Users, wrong_state: bool) -> Given:
    """A NEW order a manager submitted (so not the partner's), or a COMPLETED one, and its item
    doubled, for a manager."""
    order = await submit_service_order(
        users["manager"],
        SubmitOrderInput(customer="ACME Corp", line_items=[LineItemInput("MOBILE_LINE")]),
    )
    if wrong_state:
        await ServiceOrder.filter(id=order.id).update(state=ServiceOrderState.COMPLETED)
    [item] = await LineItem.filter(service_order_id=order.id)
    line_items = [
        {"id": gid("LineItem", item.id), "specificationCode": "MOBILE_LINE", "quantity": 2}
    ]
    values = {"serviceOrderId": order_id(order), "reason": "Two lines", "lineItems": line_items}
    return Given("manager", values, order.version, not_theirs="partner")


async def _cancellation(users: Users, wrong_state: bool) -> Given:
    """A NEW order a manager submitted (so not the partner's), or one cancelled already."""
    order = await submit_service_order(
        users["manager"],
        SubmitOrderInput(customer="ACME Corp", line_items=[LineItemInput("MOBILE_LINE")]),
    )
    if wrong_state:
        order = await cancel_service_order(users["manager"], order.id, "Duplicate")
    values = {"serviceOrderId": order_id(order), "reason": "Customer withdrew"}
    return Given("manager", values, order.version, not_theirs="partner")


async def _submission(users: Users, wrong_state: bool) -> Given:
    """A new order, for a partner (there is no object yet, so no state or version)."""
    line_items = [{"specificationCode": "MOBILE_LINE"}]
    return Given("partner", {"customer": "ACME Corp", "lineItems": line_items}, 0)


F = Fault
ON_OBJECTS = frozenset({F.UNKNOWN_OBJECT, F.FORBIDDEN_ROLE, F.STALE_VERSION, F.WRONG_STATE})
S = TaskState
TRANSITIONS = {
    "approve": Transition(
        "approveServiceOrder",
        "ApproveServiceOrderInput",
        "serviceOrder",
        "serviceOrderId",
        "ServiceOrder",
        _decision(rejected_is_wrong=True),
        ON_OBJECTS,
    ),
    "reject": Transition(
        "rejectServiceOrder",
        "RejectServiceOrderInput",
        "serviceOrder",
        "serviceOrderId",
        "ServiceOrder",
        _decision(rejected_is_wrong=True, reason="Credit check failed"),
        ON_OBJECTS | {F.BAD_INPUT},
        [({"reason": "  "}, "VALIDATION")],
    ),
    "reopen": Transition(
        "reopenServiceOrder",
        "ReopenServiceOrderInput",
        "serviceOrder",
        "serviceOrderId",
        "ServiceOrder",
        _decision(rejected_is_wrong=False),
        ON_OBJECTS,
    ),
    "hold": Transition(
        "holdServiceOrder",
        "HoldServiceOrderInput",
        "serviceOrder",
        "serviceOrderId",
        "ServiceOrder",
        _hold,
        ON_OBJECTS | {F.BAD_INPUT},
        [({"reason": "  "}, "VALIDATION")],
    ),
    "resume": Transition(
        "resumeServiceOrder",
        "ResumeServiceOrderInput",
        "serviceOrder",
        "serviceOrderId",
        "ServiceOrder",
        _resume,
        ON_OBJECTS,
    ),
    "revise": Transition(
        "reviseServiceOrder",
        "ReviseServiceOrderInput",
        "serviceOrder",
        "serviceOrderId",
        "ServiceOrder",
        _revision,
        ON_OBJECTS | {F.NOT_THEIRS, F.BAD_INPUT},
        [
            ({"reason": ""}, "VALIDATION"),
            ({"lineItems": []}, "VALIDATION"),
            ({"lineItems": [{"specificationCode": "NO_SUCH_PRODUCT"}]}, "VALIDATION"),
            (
                {"lineItems": [{"id": gid("LineItem", 99999), "specificationCode": "MOBILE_LINE"}]},
                "NOT_FOUND",
            ),
        ],
    ),
    "start": Transition(
        "startTask",
        "StartTaskInput",
        "task",
        "taskId",
        "Task",
        _task(S.READY, S.PENDING),
        ON_OBJECTS | {F.NOT_THEIRS},
    ),
    "complete": Transition(
        "completeTask",
        "CompleteTaskInput",
        "task",
        "taskId",
        "Task",
        _task(S.IN_PROGRESS, S.READY),
        ON_OBJECTS | {F.NOT_THEIRS},
    ),
    "reassign_task": Transition(
        "reassignTask",
        "ReassignTaskInput",
        "task",
        "taskId",
        "Task",
        _managed_task(S.READY, S.COMPLETED, assigneeId="agent2", reason="Leave"),
        ON_OBJECTS | {F.BAD_INPUT},
        [
            ({"reason": ""}, "VALIDATION"),
            ({"assigneeId": "not-an-id"}, "VALIDATION"),
            ({"assigneeId": gid("User", 999)}, "NOT_FOUND"),
        ],
    ),
    "create_fallout": Transition(
        "createFallout",
        "CreateFalloutInput",
        "fallout",
        "taskId",
        "Task",
        _task(S.IN_PROGRESS, S.COMPLETED, type="OTHER", description="No stock"),
        (ON_OBJECTS - {F.STALE_VERSION}) | {F.NOT_THEIRS, F.BAD_INPUT},
        [({"description": " "}, "VALIDATION")],
    ),
    "reassign_fallout": Transition(
        "reassignFallout",
        "ReassignFalloutInput",
        "fallout",
        "falloutId",
        "FalloutRecord",
        _fallout(assigneeId="agent2"),
        ON_OBJECTS | {F.BAD_INPUT},
        [({"assigneeId": "not-an-id"}, "VALIDATION"), ({"assigneeId": "admin"}, "VALIDATION")],
    ),
    "resolve_fallout": Transition(
        "resolveFallout",
        "ResolveFalloutInput",
        "fallout",
        "falloutId",
        "FalloutRecord",
        _fallout(action="RETRY_TASK", note="Port freed"),
        ON_OBJECTS | {F.BAD_INPUT},
        [({"note": ""}, "VALIDATION")],
    ),
    # Failing the task's line item: the same checks, in the same order.
    "fail_line_item": Transition(
        "resolveFallout",
        "ResolveFalloutInput",
        "fallout",
        "falloutId",
        "FalloutRecord",
        _fallout(action="FAIL_LINE_ITEM", note="No route to the premises"),
        ON_OBJECTS | {F.BAD_INPUT},
        [({"note": ""}, "VALIDATION")],
    ),
    "fetch_and_lock": Transition(
        "fetchAndLockTasks",
        "FetchAndLockTasksInput",
        "tasks",
        None,
        "",
        _fetch,
        frozenset({F.FORBIDDEN_ROLE, F.BAD_INPUT}),
        [({"handlers": []}, "VALIDATION"), ({"maxTasks": 0}, "VALIDATION")],
        selection="{ context }",
    ),
    "complete_automated": Transition(
        "completeAutomatedTask",
        "CompleteAutomatedTaskInput",
        "task",
        "taskId",
        "Task",
        _leased(output={"ok": True}),
        ON_OBJECTS | {F.BAD_INPUT},
        [({"output": {"blob": "x" * 20000}}, "VALIDATION")],
        stale={"workerId": "worker-2"},
    ),
    "fail_automated": Transition(
        "failAutomatedTask",
        "FailAutomatedTaskInput",
        "task",
        "taskId",
        "Task",
        _leased(error="OSS timeout", retryable=True),
        ON_OBJECTS | {F.BAD_INPUT},
        [({"error": " "}, "VALIDATION")],
        stale={"workerId": "worker-2"},
    ),
    "extend_lock": Transition(
        "extendTaskLock",
        "ExtendTaskLockInput",
        "task",
        "taskId",
        "Task",
        _leased(lockSeconds=120),
        ON_OBJECTS | {F.BAD_INPUT},
        [({"lockSeconds": 0}, "VALIDATION")],
        stale={"workerId": "worker-2"},
    ),
    "cancel": Transition(
        "cancelServiceOrder",
        "CancelServiceOrderInput",
        "serviceOrder",
        "serviceOrderId",
        "ServiceOrder",
        _cancellation,
        ON_OBJECTS | {F.NOT_THEIRS, F.BAD_INPUT},
        [
            ({"reason": " "}, "VALIDATION"),
            ({"lineItemIds": []}, "VALIDATION"),
            ({"lineItemIds": [gid("LineItem", 99999)]}, "NOT_FOUND"),
            # The list's shape before what its ids name.
            ({"lineItemIds": [gid("LineItem", 99999)] * 2}, "VALIDATION"),
        ],
    ),
    "submit": Transition(
        "submitServiceOrder",
        "SubmitServiceOrderInput",
        "serviceOrder",
        None,
        "",
        _submission,
        frozenset({F.FORBIDDEN_ROLE, F.BAD_INPUT}),
        [
            ({"lineItems": []}, "VALIDATION"),
            (
                {"lineItems": [{"specificationCode": "MOBILE_LINE", "action": "MODIFY"}]},
                "VALIDATION",
            ),
            (
                {
                    "lineItems": [
                        {
                            "specificationCode": "MOBILE_LINE",
                            "action": "DELETE",
                            "soldProductId": gid("SoldProduct", 99999),
                        }
                    ]
                },
                "NOT_FOUND",
            ),
        ],
    ),
}
# Faults that cannot come together: an object that does not exist has no state, and the two
# kinds of FORBIDDEN are two different actors.
EXCLUSIVE = [{F.UNKNOWN_OBJECT, F.WRONG_STATE}, {F.FORBIDDEN_ROLE, F.NOT_THEIRS}]


def cases() -> list[Any]:
    found = []
    for name, transition in TRANSITIONS.items():
        for pair in combinations(sorted(transition.faults, key=ORDER.index), 2):
            if any(set(pair) == exclusive for exclusive in EXCLUSIVE):
                continue
            inputs = transition.bad_inputs if F.BAD_INPUT in pair else [({}, "")]
            for index, (overrides, code) in enumerate(inputs):
                first = pair[0]
                expected = code if first is F.BAD_INPUT else CODES[first]
                label = f"{name}-{pair[0].name}+{pair[1].name}" + (f"-{index}" if index else "")
                found.append(pytest.param(name, set(pair), overrides, expected, id=label))
    return found


def ids_of_names(values: dict[str, Any], users: Users) -> dict[str, Any]:
    """A username given as an assignee stands for that user's id."""
    if values.get("assigneeId") in users:
        return {**values, "assigneeId": user_id(users[values["assigneeId"]])}
    return values


@pytest.mark.parametrize(("name", "faults", "bad_input", "code"), cases())
async def test_a_call_with_two_faults_gets_the_code_of_the_first_checked(
    api: Api,
    users: Users,
    name: str,
    faults: set[Fault],
    bad_input: dict[str, Any],
    code: str,
) -> None:
    transition = TRANSITIONS[name]
    given = await transition.given(users, F.WRONG_STATE in faults)
    values = dict(given.input)
    actor = given.actor
    if F.UNKNOWN_OBJECT in faults:
        assert transition.target is not None
        values[transition.target] = gid(transition.target_type, 99999)
    if F.FORBIDDEN_ROLE in faults:
        actor = "viewer"
    if F.NOT_THEIRS in faults:
        assert given.not_theirs is not None
        actor = given.not_theirs
    if F.STALE_VERSION in faults:
        if transition.stale is not None:
            values.update(transition.stale)
        else:
            values["expectedVersion"] = given.version + 1
    if F.BAD_INPUT in faults:
        values.update(bad_input)
    values = ids_of_names(values, users)
    before = await snapshot()

    data = await api.data(actor, transition.document(), {"input": values})

    payload = data[transition.mutation]
    assert payload[transition.payload] in (None, [])  # a list payload is empty
    assert [error["code"] for error in payload["userErrors"]] == [code]
    assert await snapshot() == before


def test_the_table_covers_every_mutation(settings: Settings) -> None:
    mutation_type = build_schema(settings)._schema.mutation_type
    assert mutation_type is not None
    # Demo sign-in changes nothing: it has no object, state or version to check.
    assert {t.mutation for t in TRANSITIONS.values()} == set(mutation_type.fields) - {
        "signInAsDemoUser"
    }
