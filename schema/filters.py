"""List filters: every field is optional, and the ones given must all match."""

from __future__ import annotations

import strawberry

from schema.enums import (
    FalloutState,
    FalloutType,
    JeopardyLevel,
    LineItemAction,
    ServiceOrderState,
    SoldProductState,
    TaskState,
)


@strawberry.input
class ServiceOrderFilter:
    state: ServiceOrderState | None = None
    customer: str | None = strawberry.field(default=None, description="Exact customer name.")
    submitted_by_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id of the user (or partner) that submitted the orders."
    )
    number: str | None = strawberry.field(
        default=None, description="An order number, e.g. SO0001001."
    )
    jeopardy_at_least: JeopardyLevel | None = strawberry.field(
        default=None,
        description="Only orders at this jeopardy level or above, most late first (then "
        "newest first).",
    )
    action: LineItemAction | None = strawberry.field(
        default=None, description="Orders with at least one line item of this action."
    )


@strawberry.input
class SoldProductFilter:
    customer: str | None = strawberry.field(default=None, description="Exact customer name.")
    state: SoldProductState | None = None
    specification_code: str | None = strawberry.field(
        default=None, description="The code of the product's specification."
    )


@strawberry.input
class TaskFilter:
    state: TaskState | None = None
    assignee: strawberry.ID | None = strawberry.field(
        default=None, description='A user id, or "me".'
    )
    group: strawberry.ID | None = strawberry.field(
        default=None, description="An assignment group id."
    )
    service_order_id: strawberry.ID | None = None
    overdue: bool | None = strawberry.field(
        default=None,
        description="true: only tasks at LATE or CRITICAL jeopardy (planned to end after their "
        "due date, past it, or running past their planned end), most late first; false: the "
        "others.",
    )


@strawberry.input
class FalloutFilter:
    state: FalloutState | None = None
    type: FalloutType | None = None
    assignee: strawberry.ID | None = strawberry.field(
        default=None, description='A user id, or "me".'
    )
    service_order_id: strawberry.ID | None = None
