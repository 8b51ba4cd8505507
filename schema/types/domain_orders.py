"""Domain orders: the tree a line item decomposes into (product → CFS → RFS → resource)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers import plan
from resolvers.plan import Now, now_or_later
from schema.enums import FulfillmentState, SpecificationKind
from schema.info import Info
from schema.node import Node, node_type
from schema.selection import asked_fields
from schema.types.catalog import ServiceSpecification
from schema.types.progress import Progress
from services.progress import TaskProgress, own_progress_of, progress_of

if TYPE_CHECKING:
    from schema.types.orders import LineItem, ServiceOrder
    from schema.types.tasks import Task

LineItemType = Annotated["LineItem", strawberry.lazy("schema.types.orders")]
ServiceOrderType = Annotated["ServiceOrder", strawberry.lazy("schema.types.orders")]
TaskType = Annotated["Task", strawberry.lazy("schema.types.tasks")]
# The tree refers to its own type; a lazy reference resolves once the class exists.
DomainOrderType = Annotated["DomainOrder", strawberry.lazy("schema.types.domain_orders")]


@node_type(
    models.DomainOrder, description="The part of a line item one fulfillment domain delivers."
)
class DomainOrder(Node):
    number: str
    kind: SpecificationKind
    depth: int = strawberry.field(description="0 for the product's domain order.")

    state: FulfillmentState = strawberry.field(
        description="Rolled up from its whole subtree: COMPLETED only when every task of its "
        "own and of every domain order beneath it is final."
    )

    @strawberry.field(
        graphql_type=Progress,
        description="The whole subtree: its own tasks and those of every domain order beneath "
        "it (what its state is rolled up from).",
    )
    @staticmethod
    def progress(root: models.DomainOrder) -> TaskProgress:
        return progress_of(root)

    @strawberry.field(
        graphql_type=Progress,
        description="Its own tasks only, without its children's (`tasks` lists them).",
    )
    @staticmethod
    def own_progress(root: models.DomainOrder) -> TaskProgress:
        return own_progress_of(root)

    @strawberry.field(graphql_type=ServiceSpecification)
    @staticmethod
    def specification(
        root: models.DomainOrder, info: Info
    ) -> Now[models.ServiceSpecification | None]:
        return now_or_later(info.context.loaders.specification, root.specification_id)

    @strawberry.field(graphql_type=DomainOrderType | None)
    @staticmethod
    def parent(root: models.DomainOrder, info: Info) -> Now[models.DomainOrder | None]:
        if root.parent_id is None:
            return None
        parent_id = root.parent_id
        return plan.in_domain_orders(
            info.context.loaders, root.service_order_id, lambda p: p.by_id.get(parent_id)
        )

    @strawberry.field(graphql_type=list[DomainOrderType])
    @staticmethod
    def children(root: models.DomainOrder, info: Info) -> Now[list[models.DomainOrder]]:
        return plan.in_domain_orders(
            info.context.loaders, root.service_order_id, lambda p: p.children.get(root.id, [])
        )

    @strawberry.field(graphql_type=list[TaskType])
    @staticmethod
    async def tasks(root: models.DomainOrder, info: Info) -> list[models.Task]:
        tasks = await plan.prepare_tasks(info.context, root.service_order_id, asked_fields(info))
        return tasks.by_domain_order.get(root.id, [])

    @strawberry.field(graphql_type=LineItemType | None)
    @staticmethod
    def line_item(root: models.DomainOrder, info: Info) -> Now[models.LineItem | None]:
        return now_or_later(info.context.loaders.line_item, root.line_item_id)

    @strawberry.field(graphql_type=ServiceOrderType | None)
    @staticmethod
    def service_order(root: models.DomainOrder, info: Info) -> Now[models.ServiceOrder | None]:
        return plan.readable_order_now(info.context, root.service_order_id)
