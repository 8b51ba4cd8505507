"""The one recorder per entity: each shapes the payload of its entity's events, and declares it.

Every event is written through one of these functions, never by building a payload at the call
site: subscribers filter on payload fields (`assigneeId`), the history shows them, and two
places shaping one kind drift apart (they did: `task.ready` and `service_order.state_changed`
each had two shapes). A recorder's declaration — the fields every event of its entity carries,
and those of each kind — is what `docs/DEVELOPING.md` lists and what the tests hold every
written event to; the functions below build the payloads themselves, so a declaration that
stops describing them fails the tests instead of going stale. Keys are camelCase, like the API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from models import DomainOrder, FalloutRecord, LineItem, ServiceOrder, SoldProduct, Task
from models.enums import (
    FalloutState,
    FulfillmentState,
    ServiceOrderState,
    SoldProductState,
    TaskState,
)
from services.events.kinds import EntityType, EventKind
from services.unit_of_work import UnitOfWork

# What a caller adds to a payload (a note, a reason, a count, an id, a list of ids; a
# revision's diff: lists of JSON objects).
Detail = str | int | list[int] | list[dict[str, Any]] | None


@dataclass(frozen=True)
class Fields:
    """The payload keys of one kind: those always written, and those only some paths write."""

    always: tuple[str, ...] = ()
    sometimes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recorder:
    entity_type: EntityType
    function: Callable[..., None]
    # On every event of the entity: the entity as it is after the change.
    common: tuple[str, ...]
    kinds: Mapping[EventKind, Fields]

    def fields(self, kind: EventKind) -> Fields:
        own = self.kinds[kind]
        return Fields(self.common + own.always, own.sometimes)


RECORDERS: list[Recorder] = []

_Function = TypeVar("_Function", bound=Callable[..., None])


def _recorder(
    entity_type: EntityType, *, common: tuple[str, ...], kinds: Mapping[EventKind, Fields]
) -> Callable[[_Function], _Function]:
    def register(function: _Function) -> _Function:
        RECORDERS.append(Recorder(entity_type, function, common, kinds))
        return function

    return register


def recorder_of(kind: EventKind) -> Recorder:
    """The recorder that declares `kind` (the first, should a mistake declare it twice)."""
    return next(recorder for recorder in RECORDERS if kind in recorder.kinds)


def payload_problems(kind: str, payload: Mapping[str, object]) -> list[str]:
    """How `payload` departs from the shape its kind's recorder declares (empty: it does not)."""
    try:
        fields = recorder_of(EventKind(kind)).fields(EventKind(kind))
    except (ValueError, StopIteration):
        return [f"{kind!r} is no declared event kind"]
    missing = [key for key in fields.always if key not in payload]
    unexpected = [key for key in payload if key not in {*fields.always, *fields.sometimes}]
    return [f"{kind}: missing {key!r}" for key in missing] + [
        f"{kind}: undeclared {key!r}" for key in unexpected
    ]


_ORDER_PROGRESS = ("state", "tasksTotal", "tasksDone")
# A jeopardy change: the new level and why, the level before, and the due date it is measured
# against (the order's, moved by the time held; a task's latest finish).
_JEOPARDY = ("jeopardy", "previousJeopardy", "jeopardyReason", "dueAt")


@_recorder(
    EntityType.SERVICE_ORDER,
    common=("number", "version"),
    kinds={
        EventKind.SERVICE_ORDER_SUBMITTED: Fields(
            ("customer", "externalId", "priority", "lineItems")
        ),
        EventKind.SERVICE_ORDER_APPROVED: Fields(("note",)),
        EventKind.SERVICE_ORDER_REJECTED: Fields(("reason",)),
        EventKind.SERVICE_ORDER_REOPENED: Fields(("note", "rejectionReason")),
        EventKind.SERVICE_ORDER_DECOMPOSED: Fields(
            ("lineItems", "soldProducts", "domainOrders", "tasks", "readyTasks", "taskDependencies")
        ),
        EventKind.SERVICE_ORDER_STATE_CHANGED: Fields(_ORDER_PROGRESS),
        EventKind.SERVICE_ORDER_HELD: Fields(("reason",)),
        EventKind.SERVICE_ORDER_RESUMED: Fields(("note", "restoredState")),
        # added / removed / changed: lists of the items (services/orders/revision_diff.py).
        EventKind.SERVICE_ORDER_REVISED: Fields(
            ("revision", "reason", "added", "removed", "changed")
        ),
        # The cancel decision (who: the event's actor); the states follow in their own events.
        EventKind.SERVICE_ORDER_CANCELLED: Fields(("reason", "lineItemIds")),
        # Its level moved (services/schedule/reschedule.py: on a change, or with time).
        EventKind.SERVICE_ORDER_JEOPARDY_CHANGED: Fields((*_JEOPARDY, "expectedCompletionAt")),
    },
)
def record_order(
    uow: UnitOfWork,
    kind: EventKind,
    order: ServiceOrder,
    *,
    previous_state: ServiceOrderState | None,
    **details: Detail,
) -> None:
    """`kind` for `order` as it is now; `details` are the kind's own fields."""
    payload: dict[str, Detail] = {"number": order.number, "version": order.version}
    if kind is EventKind.SERVICE_ORDER_STATE_CHANGED:
        # Decomposition and the rollup both change the state; either way a dashboard following
        # the order gets its state and progress from the event.
        payload |= {
            "state": order.state.value,
            "tasksTotal": order.tasks_total,
            "tasksDone": order.tasks_done,
        }
    uow.record(
        kind,
        entity_id=order.id,
        service_order_id=order.id,
        previous_state=previous_state,
        new_state=order.state,
        payload=payload | details,
    )


@_recorder(
    EntityType.LINE_ITEM,
    common=_ORDER_PROGRESS,
    kinds={
        EventKind.LINE_ITEM_STATE_CHANGED: Fields(),
        # The start of the task that passed it.
        EventKind.LINE_ITEM_POINT_OF_NO_RETURN_REACHED: Fields(("taskId", "taskNumber")),
        # The fallout whose resolution failed it, and its task.
        EventKind.LINE_ITEM_FAILED: Fields(
            ("reason", "falloutId", "falloutNumber", "taskId", "taskNumber")
        ),
    },
)
def record_line_item(
    uow: UnitOfWork,
    kind: EventKind,
    item: LineItem,
    *,
    previous_state: FulfillmentState,
    **details: Detail,
) -> None:
    """`kind` for `item` as it is now; `details` are the kind's own fields."""
    uow.record(
        kind,
        entity_id=item.id,
        service_order_id=item.service_order_id,
        previous_state=previous_state,
        new_state=item.state,
        payload={
            "state": item.state.value,
            "tasksTotal": item.tasks_total,
            "tasksDone": item.tasks_done,
            **details,
        },
    )


@_recorder(
    EntityType.DOMAIN_ORDER,
    common=("number", "state", "lineItemId", "tasksTotal", "tasksDone"),
    kinds={EventKind.DOMAIN_ORDER_STATE_CHANGED: Fields()},
)
def record_domain_order(
    uow: UnitOfWork,
    kind: EventKind,
    domain_order: DomainOrder,
    *,
    previous_state: FulfillmentState,
) -> None:
    uow.record(
        kind,
        entity_id=domain_order.id,
        service_order_id=domain_order.service_order_id,
        previous_state=previous_state,
        new_state=domain_order.state,
        payload={
            "number": domain_order.number,
            "state": domain_order.state.value,
            "lineItemId": domain_order.line_item_id,
            "tasksTotal": domain_order.tasks_total,
            "tasksDone": domain_order.tasks_done,
        },
    )


@_recorder(
    EntityType.SOLD_PRODUCT,
    common=("state", "lineItemId"),
    kinds={
        EventKind.SOLD_PRODUCT_STATE_CHANGED: Fields(),
        EventKind.SOLD_PRODUCT_ACTIVATED: Fields(("characteristics",)),
        # The earlier characteristics are kept here: the product's history of values.
        EventKind.SOLD_PRODUCT_MODIFIED: Fields(("characteristics", "previousCharacteristics")),
        EventKind.SOLD_PRODUCT_TERMINATED: Fields(),
        EventKind.SOLD_PRODUCT_CANCELLED: Fields(),
    },
)
def record_sold_product(
    uow: UnitOfWork,
    kind: EventKind,
    product: SoldProduct,
    *,
    line_item_id: int,
    service_order_id: int,
    previous_state: SoldProductState,
    **details: Any,
) -> None:
    """`kind` for `product` as it is now, caused by `line_item_id` (the ADD item that created
    it, or the MODIFY or DELETE item that changed it) of `service_order_id`: the event is that
    order's, delivered to its subscribers. `details`: the characteristics (JSON objects)."""
    uow.record(
        kind,
        entity_id=product.id,
        service_order_id=service_order_id,
        previous_state=previous_state,
        new_state=product.state,
        payload={"state": product.state.value, "lineItemId": line_item_id, **details},
    )


# A task put on hold, retried, completed or skipped by a fallout names the fallout.
_BY_FALLOUT = ("falloutId", "falloutNumber")
# An automated task's lease as it is after the change.
_LEASE = ("lockedBy", "lockExpiresAt")


@_recorder(
    EntityType.TASK,
    common=("number", "state", "assigneeId", "version", "attempts", "domainOrderId", "handler"),
    kinds={
        EventKind.TASK_READY: Fields(("assignmentGroupId",)),
        EventKind.TASK_STARTED: Fields(),
        # Completed by its assignee (with their note), by resolving its fallout, (deferred)
        # on its release, or by the worker holding its lock (automated).
        EventKind.TASK_COMPLETED: Fields(sometimes=("note", *_BY_FALLOUT, "deferred", "workerId")),
        EventKind.TASK_SKIPPED: Fields(sometimes=(*_BY_FALLOUT, "deferred")),
        # Reassigned by a manager, or with its fallout (then naming it).
        EventKind.TASK_REASSIGNED: Fields(
            ("previousAssigneeId", "reason"), sometimes=("falloutId",)
        ),
        EventKind.TASK_ON_HOLD: Fields(_BY_FALLOUT),
        # An automated task retried starts its attempts afresh, perhaps with a corrected input.
        EventKind.TASK_RETRIED: Fields(_BY_FALLOUT, sometimes=("inputCorrected",)),
        # Resolved as COMPLETED or SKIPPED while it still waits: back to PENDING until then.
        EventKind.TASK_DEFERRED: Fields(("deferredOutcome", *_BY_FALLOUT)),
        EventKind.TASK_LOCKED: Fields(_LEASE),
        EventKind.TASK_LOCK_EXTENDED: Fields(_LEASE),
        EventKind.TASK_RETRY_SCHEDULED: Fields(
            ("workerId", "error", "nextAttemptAt"), sometimes=("errorType",)
        ),
        EventKind.TASK_FAILED: Fields(
            ("workerId", "error", "retryable", *_BY_FALLOUT), sometimes=("errorType",)
        ),
        # The worker that lost it; then either a retry is due, or the fallout holds it.
        EventKind.TASK_LOCK_EXPIRED: Fields(
            ("workerId", "error"), sometimes=("nextAttemptAt", *_BY_FALLOUT)
        ),
        # Made after decomposition (a compensation, a revision): who may pick it up, and for a
        # compensating task the task it undoes.
        EventKind.TASK_CREATED: Fields(("assignmentGroupId",), sometimes=("compensatesId",)),
        # Its line item was cancelled or re-planned without it; its assignee is told.
        EventKind.TASK_CANCELLED: Fields(("reason",)),
        # Back from READY to PENDING: a revision gave it a predecessor that is not done.
        EventKind.TASK_WAITING: Fields(),
        EventKind.TASK_JEOPARDY_CHANGED: Fields(_JEOPARDY),
    },
)
def record_task(
    uow: UnitOfWork,
    kind: EventKind,
    task: Task,
    *,
    previous_state: TaskState | None,
    **details: Detail,
) -> None:
    """`kind` for `task` as it is now (None before: it was just created); `details` are the
    kind's own fields."""
    payload: dict[str, Detail] = {
        "number": task.number,
        "state": task.state.value,
        "assigneeId": task.assignee_id,
        "version": task.version,
        "attempts": task.attempts,
        "domainOrderId": task.domain_order_id,
        # Null for a manual task; workers follow the READY tasks of their handlers by it.
        "handler": task.handler,
    }
    if kind in (EventKind.TASK_LOCKED, EventKind.TASK_LOCK_EXTENDED):
        payload["lockedBy"] = task.locked_by
        payload["lockExpiresAt"] = instant(task.lock_expires_at)
    if kind in (EventKind.TASK_READY, EventKind.TASK_CREATED):
        # Who may pick it up: the agents of its group watch for what became ready.
        payload["assignmentGroupId"] = task.assignment_group_id
    uow.tasks[task.id] = task
    uow.record(
        kind,
        entity_id=task.id,
        service_order_id=task.service_order_id,
        previous_state=previous_state,
        new_state=task.state,
        payload=payload | details,
    )


def instant(at: datetime | None) -> str | None:
    """A time as an event payload holds it (ISO 8601)."""
    return None if at is None else at.isoformat()


@_recorder(
    EntityType.FALLOUT,
    common=("number", "state", "type", "priority", "taskId", "assigneeId", "version"),
    kinds={
        EventKind.FALLOUT_CREATED: Fields(),
        EventKind.FALLOUT_REASSIGNED: Fields(("previousAssigneeId", "note")),
        EventKind.FALLOUT_RESOLVED: Fields(("action", "note")),
        # Its task was cancelled with its line item.
        EventKind.FALLOUT_CANCELLED: Fields(("reason",)),
    },
)
def record_fallout(
    uow: UnitOfWork,
    kind: EventKind,
    fallout: FalloutRecord,
    *,
    previous_state: FalloutState | None,
    **details: Detail,
) -> None:
    """`kind` for `fallout` as it is now; `details` are the kind's own fields."""
    uow.record(
        kind,
        entity_id=fallout.id,
        service_order_id=fallout.service_order_id,
        previous_state=previous_state,
        new_state=fallout.state,
        payload={
            "number": fallout.number,
            "state": fallout.state.value,
            "type": fallout.type.value,
            "priority": fallout.priority.value,
            "taskId": fallout.task_id,
            "assigneeId": fallout.assignee_id,
            "version": fallout.version,
            **details,
        },
    )
