"""Domain orders: the tree a line item decomposes into (product → CFS → RFS → resource)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers.visibility import readable_order
from schema.enums import FulfillmentState, SpecificationKind
from schema.info import Info
from schema.node import Node, shows
from schema.types.catalog import ServiceSpecification
from schema.types.progress import Progress

if TYPE_CHECKING:
    from schema.types.orders import LineItem, ServiceOrder
    from schema.types.tasks import Task

LineItemType = Annotated["LineItem", strawberry.lazy("schema.types.orders")]
ServiceOrderType = Annotated["ServiceOrder", strawberry.lazy("schema.types.orders")]
TaskType = Annotated["Task", strawberry.lazy("schema.types.tasks")]
# The tree refers to its own type; a lazy reference resolves once the class exists.
DomainOrderType = Annotated["DomainOrder", strawberry.lazy("schema.types.domain_orders")]


@strawberry.type(description="The part of a line item one fulfillment domain delivers.")
class DomainOrder(Node):
    is_type_of = shows(models.DomainOrder)

    number: str
    kind: SpecificationKind
    state: FulfillmentState
    depth: int = strawberry.field(description="0 for the product's domain order.")

    @strawberry.field
    @staticmethod
    def progress(root: models.DomainOrder) -> Progress:
        return Progress.of(root)

    @strawberry.field(graphql_type=ServiceSpecification)
    @staticmethod
    async def specification(
        root: models.DomainOrder, info: Info
    ) -> models.ServiceSpecification | None:
        return await info.context.loaders.specification.load(root.specification_id)

    @strawberry.field(graphql_type=DomainOrderType | None)
    @staticmethod
    async def parent(root: models.DomainOrder, info: Info) -> models.DomainOrder | None:
        if root.parent_id is None:
            return None
        plan = await info.context.loaders.domain_orders_by_order.load(root.service_order_id)
        return plan.by_id.get(root.parent_id)

    @strawberry.field(graphql_type=list[DomainOrderType])
    @staticmethod
    async def children(root: models.DomainOrder, info: Info) -> list[models.DomainOrder]:
        plan = await info.context.loaders.domain_orders_by_order.load(root.service_order_id)
        return plan.children.get(root.id, [])

    @strawberry.field(graphql_type=list[TaskType])
    @staticmethod
    async def tasks(root: models.DomainOrder, info: Info) -> list[models.Task]:
        plan = await info.context.loaders.tasks_by_order.load(root.service_order_id)
        return plan.by_domain_order.get(root.id, [])

    @strawberry.field(graphql_type=LineItemType | None)
    @staticmethod
    async def line_item(root: models.DomainOrder, info: Info) -> models.LineItem | None:
        return await info.context.loaders.line_item.load(root.line_item_id)

    @strawberry.field(graphql_type=ServiceOrderType | None)
    @staticmethod
    async def service_order(root: models.DomainOrder, info: Info) -> models.ServiceOrder | None:
        return await readable_order(info.context, root.service_order_id)
