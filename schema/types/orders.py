"""Service orders, their line items, and the products sold through them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Optional, cast

import strawberry
from strawberry.scalars import JSON

import models
from resolvers import people, plan, service_orders, sold_products, viewer_permissions
from resolvers.cursors import encode_event_cursor
from resolvers.plan import Now, now_or_later
from resolvers.visibility import line_item_is_readable, readable_order
from schema.connections import After, Connection, First, connection
from schema.enums import (
    FulfillmentState,
    JeopardyLevel,
    LineItemAction,
    Priority,
    ServiceOrderState,
    SoldProductState,
)
from schema.info import Info
from schema.node import Node, node_type
from schema.selection import asked_fields
from schema.types.catalog import ServiceSpecification
from schema.types.history import HistoryEvent
from schema.types.people import HIDDEN_USERS, User
from schema.types.permissions import LineItemPermissions, ServiceOrderPermissions
from schema.types.progress import Progress
from services import json_values, permissions
from services.progress import TaskProgress, progress_of
from services.sold_products import product_number

if TYPE_CHECKING:
    from schema.types.domain_orders import DomainOrder
    from schema.types.fallouts import FalloutRecord
    from schema.types.tasks import Task

DomainOrderType = Annotated["DomainOrder", strawberry.lazy("schema.types.domain_orders")]
FalloutRecordType = Annotated["FalloutRecord", strawberry.lazy("schema.types.fallouts")]
TaskType = Annotated["Task", strawberry.lazy("schema.types.tasks")]


@strawberry.type(description="Who decided on an order (approved or rejected it), when, and why.")
class Decision:
    decided_at: datetime | None

    @strawberry.field(graphql_type=User | None, description=HIDDEN_USERS)
    @staticmethod
    def decided_by(root: models.ServiceOrder, info: Info) -> Now[models.User | None]:
        return people.readable_user(info.context, root.decided_by_id)

    @strawberry.field(description="The rejection reason or the approval note.")
    @staticmethod
    def reason(root: models.ServiceOrder) -> str | None:
        return root.decision_reason


@node_type(
    models.ServiceOrder, description="A customer's order: the root of an orchestration plan."
)
class ServiceOrder(Node):
    number: str
    external_id: str | None = strawberry.field(description="The submitting partner's own id.")
    customer: str
    priority: Priority
    requested_completion_date: datetime | None = strawberry.field(
        description="The customer's due date: the schedule's due dates and jeopardy are measured "
        "against it (moved later by the time the order was held)."
    )
    state: ServiceOrderState
    expected_completion_at: datetime | None = strawberry.field(
        description="When its last task is planned to end (TMF641 expectedCompletionDate), "
        "as of scheduledAt; null before approval."
    )
    scheduled_at: datetime | None = strawberry.field(
        description="When its schedule (expectedCompletionAt, jeopardy, and its tasks' "
        "planned dates, slack and dueAt) was last computed: the dates hold as of then. "
        "Recomputed at every change that can move them, and by time alone once a jeopardy "
        "threshold comes or expectedCompletionAt has passed with work left (within the "
        "jeopardy sweeper's 30 s). Work not started is planned to start no earlier than "
        "scheduledAt, so a task waiting to start may show a plannedStartAt before now until "
        "the next recompute. Null before approval."
    )
    jeopardy: JeopardyLevel = strawberry.field(description="How late it is; NONE once complete.")
    version: int = strawberry.field(description="Goes up by one on every change.")
    revision: int = strawberry.field(
        description="0 as submitted; goes up by one with every `reviseServiceOrder`."
    )
    held_from: ServiceOrderState | None = strawberry.field(
        description="While HELD: the state `resumeServiceOrder` restores."
    )
    held_at: datetime | None = strawberry.field(description="While HELD: since when.")
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None

    @strawberry.field(graphql_type=Progress)
    @staticmethod
    def progress(root: models.ServiceOrder) -> TaskProgress:
        return progress_of(root)

    @strawberry.field(description="Why it is in jeopardy; null at NONE.")
    @staticmethod
    def jeopardy_reason(root: models.ServiceOrder) -> str | None:
        return root.jeopardy_reason or None

    @strawberry.field(
        graphql_type=list[TaskType],
        description="The tasks without slack, in planned order: the chain that determines "
        "expectedCompletionAt (several chains where they tie). Empty before approval.",
    )
    @staticmethod
    async def critical_path(root: models.ServiceOrder, info: Info) -> list[models.Task]:
        tasks = (await plan.prepare_tasks(info.context, root.id, asked_fields(info))).tasks
        return plan.critical_path(tasks)

    @strawberry.field(
        graphql_type=ServiceOrderPermissions, description="What you may do to it now."
    )
    @staticmethod
    def viewer_can(root: models.ServiceOrder, info: Info) -> permissions.OrderPermissions:
        return viewer_permissions.order_permissions(info.context, root)

    @strawberry.field(graphql_type=User | None, description=HIDDEN_USERS)
    @staticmethod
    def submitted_by(root: models.ServiceOrder, info: Info) -> Now[models.User | None]:
        return people.readable_user(info.context, root.submitted_by_id)

    @strawberry.field(graphql_type=Decision | None, description="Null until decided.")
    @staticmethod
    def decision(root: models.ServiceOrder) -> models.ServiceOrder | None:
        return root if root.decided_at is not None else None

    @strawberry.field(graphql_type=list["LineItem"])
    @staticmethod
    async def line_items(root: models.ServiceOrder, info: Info) -> list[models.LineItem]:
        return await info.context.loaders.line_items_by_order.load(root.id)

    @strawberry.field(graphql_type=list[TaskType], description="Every task of the plan.")
    @staticmethod
    async def tasks(root: models.ServiceOrder, info: Info) -> list[models.Task]:
        return (await plan.prepare_tasks(info.context, root.id, asked_fields(info))).tasks

    @strawberry.field(graphql_type=list[FalloutRecordType], description="Newest first.")
    @staticmethod
    async def fallouts(root: models.ServiceOrder, info: Info) -> list[models.FalloutRecord]:
        loaders = info.context.loaders
        # Start reading the order's tasks now: each fallout's `task` is then one of them, and a
        # plan that shows the tasks too reads them once instead of twice.
        loaders.tasks_by_order.load(root.id)
        return (await loaders.fallouts_by_order.load(root.id)).fallouts

    @strawberry.field(
        graphql_type=Connection[HistoryEvent],
        description="Every change to the order and its plan, oldest first. An edge's cursor "
        "also resumes a subscription (`after:`).",
    )
    @staticmethod
    async def history(
        root: models.ServiceOrder,
        info: Info,
        first: First = None,
        after: After = None,
    ) -> Connection[models.Event]:
        page = await service_orders.history(info.context, root, first=first, after=after)
        return connection(page, encode_event_cursor)


@node_type(
    models.SoldProduct,
    description="What a customer owns: created by an ADD line item, changed by MODIFY ones, "
    "ended by a DELETE (TERMINATED) or by its ADD's cancellation (CANCELLED).",
)
class SoldProduct(Node):
    state: SoldProductState
    customer: str
    created_at: datetime
    activated_at: datetime | None
    terminated_at: datetime | None

    @strawberry.field(description="SP and the product's key, e.g. SP0000042.")
    @staticmethod
    def number(root: models.SoldProduct) -> str:
        return product_number(root)

    @strawberry.field(graphql_type=ServiceSpecification)
    @staticmethod
    def specification(
        root: models.SoldProduct, info: Info
    ) -> Now[models.ServiceSpecification | None]:
        return now_or_later(info.context.loaders.specification, root.specification_id)

    @strawberry.field(
        description="As they are now: the ADD item's once it completed, then each completed "
        "MODIFY's (empty while PENDING). Earlier values are in `history`."
    )
    @staticmethod
    def characteristics(root: models.SoldProduct) -> JSON:
        return cast(JSON, json_values.shown(root.characteristics))

    @strawberry.field(
        graphql_type=Optional["LineItem"],
        description="The ADD line item that created it; null if you may not see its order.",
    )
    @staticmethod
    async def created_by(root: models.SoldProduct, info: Info) -> models.LineItem | None:
        item = await info.context.loaders.line_item.load(root.line_item_id)
        if item is None or not await line_item_is_readable(info.context, item):
            return None
        return item

    @strawberry.field(
        graphql_type=list["LineItem"],
        description="The line items that created or changed it (ADD first, then each MODIFY "
        "or DELETE, oldest first), of the orders you may see.",
    )
    @staticmethod
    async def line_items(root: models.SoldProduct, info: Info) -> list[models.LineItem]:
        loaders = info.context.loaders
        created = await loaders.line_item.load(root.line_item_id)
        changing = await loaders.line_items_changing_product.load(root.id)
        items = [item for item in [created, *changing] if item is not None]
        return [item for item in items if await line_item_is_readable(info.context, item)]

    @strawberry.field(
        graphql_type=Connection[HistoryEvent],
        description="The product's own events, oldest first: activated, modified (with the "
        "characteristics before and after), terminated, cancelled; each names its line item "
        "(`payload.lineItemId`). Each order's whole history is on the order.",
    )
    @staticmethod
    async def history(
        root: models.SoldProduct,
        info: Info,
        first: First = None,
        after: After = None,
    ) -> Connection[models.Event]:
        page = await sold_products.history(info.context, root, first=first, after=after)
        return connection(page, encode_event_cursor)


def _shown_characteristics(root: strawberry.Parent[models.LineItem]) -> JSON:
    # Whatever was stored, a value every response can encode (services/json_values.py).
    return cast(JSON, json_values.shown(root.characteristics))


@node_type(models.LineItem, description="One product of an order, and what fulfilling it takes.")
class LineItem(Node):
    position: int
    action: LineItemAction
    characteristics: JSON = strawberry.field(resolver=_shown_characteristics)
    quantity: int
    state: FulfillmentState
    point_of_no_return_reached_at: datetime | None = strawberry.field(
        description="When a point-of-no-return task of the item started (or was completed "
        "without a start): from then on the item cannot be cancelled or revised. Null before."
    )
    cancelled_at: datetime | None = strawberry.field(
        description="When the item's cancellation was asked for: CANCELLING while its "
        "compensating tasks run, then CANCELLED. Null if it was not cancelled."
    )
    cancellation_reason: str | None
    failed_at: datetime | None = strawberry.field(
        description="When the item failed: a fallout of it was resolved FAIL_LINE_ITEM (its "
        "work cannot be done). CANCELLING while its compensating tasks run, then FAILED. Null "
        "if it did not fail."
    )
    failure_reason: str | None = strawberry.field(
        description="Why it failed: the note of the fallout resolution that failed it."
    )

    @strawberry.field(graphql_type=Progress)
    @staticmethod
    def progress(root: models.LineItem) -> TaskProgress:
        return progress_of(root)

    @strawberry.field(graphql_type=LineItemPermissions, description="What you may do to it now.")
    @staticmethod
    def viewer_can(root: models.LineItem, info: Info) -> Now[permissions.LineItemPermissions]:
        return viewer_permissions.line_item_permissions(info.context, root)

    @strawberry.field(graphql_type=ServiceSpecification)
    @staticmethod
    def specification(root: models.LineItem, info: Info) -> Now[models.ServiceSpecification | None]:
        return now_or_later(info.context.loaders.specification, root.specification_id)

    @strawberry.field(
        graphql_type=SoldProduct | None,
        description="The product the item creates (ADD; null until approval) or changes "
        "(MODIFY, DELETE).",
    )
    @staticmethod
    async def sold_product(root: models.LineItem, info: Info) -> models.SoldProduct | None:
        loaders = info.context.loaders
        if root.changed_product_id is not None:
            return await loaders.sold_product.load(root.changed_product_id)
        return await loaders.sold_product_by_line_item.load(root.id)

    @strawberry.field(
        graphql_type=list[DomainOrderType],
        description="All of the item's domain orders, flat, parents before children.",
    )
    @staticmethod
    async def domain_orders(root: models.LineItem, info: Info) -> list[models.DomainOrder]:
        plan = await info.context.loaders.domain_orders_by_order.load(root.service_order_id)
        return plan.by_line_item.get(root.id, [])

    @strawberry.field(
        graphql_type=DomainOrderType | None,
        description="The top of the item's tree (its product's domain order); null until "
        "approval. Walk down with `children`.",
    )
    @staticmethod
    async def root_domain_order(root: models.LineItem, info: Info) -> models.DomainOrder | None:
        plan = await info.context.loaders.domain_orders_by_order.load(root.service_order_id)
        roots = [d for d in plan.by_line_item.get(root.id, []) if d.parent_id is None]
        return roots[0] if roots else None

    @strawberry.field(graphql_type=ServiceOrder | None)
    @staticmethod
    async def service_order(root: models.LineItem, info: Info) -> models.ServiceOrder | None:
        return await readable_order(info.context, root.service_order_id)
