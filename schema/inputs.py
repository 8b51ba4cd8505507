"""Mutation inputs."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from schema.enums import FalloutAction, FalloutType, LineItemAction, Priority

_EXPECTED_VERSION = (
    "Refuse with CONFLICT unless the object is still at this version (the one you looked at)."
)


@strawberry.input
class LineItemInput:
    specification_code: str = strawberry.field(description="The code of a PRODUCT specification.")
    action: LineItemAction = LineItemAction.ADD
    quantity: int = 1
    characteristics: JSON | None = strawberry.field(
        default=None,
        description="An object of the product's characteristics; for a MODIFY, required: all of "
        "them as they are to be (not only the changed ones; {} clears them).",
    )
    sold_product_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The ACTIVE product of the customer a MODIFY or DELETE changes: required "
        "for those, refused for an ADD.",
    )


@strawberry.input
class SubmitServiceOrderInput:
    customer: str
    line_items: list[LineItemInput]
    external_id: str | None = strawberry.field(
        default=None, description="Your own id for the order; unique among your orders."
    )
    priority: Priority = Priority.NORMAL
    # A String, not DateTime: a date that does not parse is then the payload's VALIDATION
    # error like every other bad field, instead of a request-level BAD_USER_INPUT (issue 14).
    requested_completion_date: str | None = strawberry.field(
        default=None,
        description="The customer's due date, an ISO 8601 date-time (e.g. "
        '"2026-12-24T17:00:00Z"; without an offset it is read as UTC). Refused with VALIDATION '
        "when it does not parse or has already passed.",
    )


@strawberry.input
class ApproveServiceOrderInput:
    service_order_id: strawberry.ID
    note: str | None = None
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input
class RejectServiceOrderInput:
    service_order_id: strawberry.ID
    reason: str = strawberry.field(description="Required; why the order goes back.")
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input
class CancelServiceOrderInput:
    service_order_id: strawberry.ID
    reason: str = strawberry.field(description="Required; why the order is cancelled.")
    line_item_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="The items to cancel; left out: every item not final or cancelled already.",
    )
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input
class ReopenServiceOrderInput:
    service_order_id: strawberry.ID
    note: str | None = None
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input
class HoldServiceOrderInput:
    service_order_id: strawberry.ID
    reason: str = strawberry.field(description="Required; why the work stops.")
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input
class ResumeServiceOrderInput:
    service_order_id: strawberry.ID
    note: str | None = None
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input(
    description="One line item of the order as it should be: with `id`, an item of the order "
    "(kept, or changed when its quantity or characteristics differ); without, a new item."
)
class RevisedLineItemInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="The line item's id; leave out for a new item."
    )
    specification_code: str = strawberry.field(
        description="The code of a PRODUCT specification; for an existing item, its own "
        "(another product is another item: remove it and add a new one)."
    )
    action: LineItemAction = strawberry.field(
        default=LineItemAction.ADD,
        description="For an existing item, its own, sent again (the default ADD is refused for "
        "a MODIFY or DELETE item; another action is another item: remove it and add a new one).",
    )
    quantity: int = 1
    characteristics: JSON | None = strawberry.field(
        default=None,
        description="A JSON object (absent: none; for a MODIFY item, required: all of them as "
        "they are to be).",
    )
    sold_product_id: strawberry.ID | None = strawberry.field(
        default=None, description="The product a MODIFY or DELETE item changes."
    )


@strawberry.input
class ReviseServiceOrderInput:
    service_order_id: strawberry.ID
    reason: str = strawberry.field(description="Required; why the order changes.")
    line_items: list[RevisedLineItemInput] = strawberry.field(
        description="Every line item the order is to have: one missing is removed."
    )
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input
class StartTaskInput:
    task_id: strawberry.ID
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input
class CompleteTaskInput:
    task_id: strawberry.ID
    note: str | None = None
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input
class ReassignTaskInput:
    task_id: strawberry.ID
    assignee_id: strawberry.ID
    reason: str = strawberry.field(description="Required.")
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input
class CreateFalloutInput:
    task_id: strawberry.ID
    type: FalloutType
    description: str
    priority: Priority = Priority.NORMAL


@strawberry.input
class ReassignFalloutInput:
    fallout_id: strawberry.ID
    assignee_id: strawberry.ID = strawberry.field(
        description="The agent who takes the fallout and its task."
    )
    note: str | None = None
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)


@strawberry.input
class ResolveFalloutInput:
    fallout_id: strawberry.ID
    action: FalloutAction
    note: str = strawberry.field(description="Required; what was done.")
    expected_version: int | None = strawberry.field(default=None, description=_EXPECTED_VERSION)
    input: JSON | None = strawberry.field(
        default=None,
        description="With RETRY_TASK on an automated task: a corrected input its worker gets "
        "with the next attempt (`context.task.input`).",
    )


_WORKER_ID = "Your worker's id, unique per worker process: the lock is held in its name."


@strawberry.input(description="Take READY automated tasks of your handlers, locked to you.")
class FetchAndLockTasksInput:
    worker_id: str = strawberry.field(description=_WORKER_ID)
    handlers: list[str] = strawberry.field(description="The handler topics you work.")
    max_tasks: int = strawberry.field(default=10, description="At most this many (1 to 100).")
    lock_seconds: int = strawberry.field(
        description="How long the locks last (at most each template's lockSeconds); extend "
        "them with extendTaskLock for long work."
    )


@strawberry.input
class CompleteAutomatedTaskInput:
    task_id: strawberry.ID
    worker_id: str = strawberry.field(description=_WORKER_ID)
    output: JSON | None = strawberry.field(
        default=None,
        description="What the work produced (any JSON, at most 16 KB): shown on the task and "
        "handed to the tasks that wait on it.",
    )


@strawberry.input
class FailAutomatedTaskInput:
    task_id: strawberry.ID
    worker_id: str = strawberry.field(description=_WORKER_ID)
    error: str = strawberry.field(description="What went wrong; the fallout's description.")
    retryable: bool = strawberry.field(
        default=True,
        description="Whether trying again may succeed: then the task is READY again after the "
        "backoff, while attempts are left; otherwise a fallout holds it at once.",
    )
    error_type: FalloutType | None = strawberry.field(
        default=None,
        description="The type of the fallout a final failure opens (PROVISIONING_FAILURE).",
    )


@strawberry.input
class ExtendTaskLockInput:
    task_id: strawberry.ID
    worker_id: str = strawberry.field(description=_WORKER_ID)
    lock_seconds: int = strawberry.field(
        description="The lock runs until now + this (at most the template's lockSeconds), or "
        "as it was if that is later: an extension never shortens a lock."
    )
