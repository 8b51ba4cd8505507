"""The Query root."""

from __future__ import annotations

import strawberry
from tortoise.models import Model

import models
from resolvers import catalog, demo, fallouts, nodes, people, service_orders, sold_products, tasks
from resolvers.cursors import encode_cursor
from schema.connections import After, Connection, First, connection
from schema.filters import FalloutFilter, ServiceOrderFilter, SoldProductFilter, TaskFilter
from schema.info import Info
from schema.node import Node
from schema.types.catalog import ServiceSpecification
from schema.types.fallouts import FalloutRecord
from schema.types.orders import ServiceOrder, SoldProduct
from schema.types.people import AssignmentGroup, User
from schema.types.tasks import Task


@strawberry.type
class Query:
    @strawberry.field(
        graphql_type=Node | None,
        description="Any object by its global id; null if there is none you may see.",
    )
    @staticmethod
    async def node(info: Info, id: strawberry.ID) -> Model | None:
        return await nodes.node(info.context, id)

    @strawberry.field(graphql_type=ServiceOrder | None)
    @staticmethod
    async def service_order(info: Info, id: strawberry.ID) -> models.ServiceOrder | None:
        return await service_orders.service_order(info.context, id)

    @strawberry.field(
        graphql_type=Connection[ServiceOrder],
        description="Newest first (with `jeopardyAtLeast`, most late first). A partner system "
        "sees only the orders it submitted.",
    )
    @staticmethod
    async def service_orders(
        info: Info,
        filter: ServiceOrderFilter | None = None,
        first: First = None,
        after: After = None,
    ) -> Connection[models.ServiceOrder]:
        where = filter or ServiceOrderFilter()
        page = await service_orders.service_orders(
            info.context,
            state=where.state,
            customer=where.customer,
            submitted_by_id=where.submitted_by_id,
            number=where.number,
            jeopardy_at_least=where.jeopardy_at_least,
            action=where.action,
            first=first,
            after=after,
        )
        return connection(page, encode_cursor)

    @strawberry.field(
        graphql_type=Connection[SoldProduct],
        description="The installed base, newest first. A partner system sees the products of "
        "the orders it submitted (that created or changed them).",
    )
    @staticmethod
    async def sold_products(
        info: Info,
        filter: SoldProductFilter | None = None,
        first: First = None,
        after: After = None,
    ) -> Connection[models.SoldProduct]:
        where = filter or SoldProductFilter()
        page = await sold_products.sold_products(
            info.context,
            customer=where.customer,
            state=where.state,
            specification_code=where.specification_code,
            first=first,
            after=after,
        )
        return connection(page, encode_cursor)

    @strawberry.field(
        graphql_type=Connection[Task],
        description="Oldest first (with `overdue: true`, most late first).",
    )
    @staticmethod
    async def tasks(
        info: Info,
        filter: TaskFilter | None = None,
        first: First = None,
        after: After = None,
    ) -> Connection[models.Task]:
        where = filter or TaskFilter()
        page = await tasks.tasks(
            info.context,
            state=where.state,
            assignee=where.assignee,
            group=where.group,
            service_order_id=where.service_order_id,
            overdue=where.overdue,
            first=first,
            after=after,
        )
        return connection(page, encode_cursor)

    @strawberry.field(graphql_type=Connection[FalloutRecord], description="Newest first.")
    @staticmethod
    async def fallouts(
        info: Info,
        filter: FalloutFilter | None = None,
        first: First = None,
        after: After = None,
    ) -> Connection[models.FalloutRecord]:
        where = filter or FalloutFilter()
        page = await fallouts.fallouts(
            info.context,
            state=where.state,
            type=where.type,
            assignee=where.assignee,
            service_order_id=where.service_order_id,
            first=first,
            after=after,
        )
        return connection(page, encode_cursor)

    @strawberry.field(graphql_type=list[ServiceSpecification])
    @staticmethod
    async def service_specifications(info: Info) -> list[models.ServiceSpecification]:
        return await catalog.service_specifications(info.context)

    @strawberry.field(graphql_type=User | None, description="The user the token names.")
    @staticmethod
    async def me(info: Info) -> models.User | None:
        return await people.me(info.context)

    @strawberry.field(
        graphql_type=list[User],
        description="Active users (to assign work to); a partner system sees only itself.",
    )
    @staticmethod
    async def users(info: Info) -> list[models.User]:
        return await people.users(info.context)

    @strawberry.field(graphql_type=list[AssignmentGroup])
    @staticmethod
    async def assignment_groups(info: Info) -> list[models.AssignmentGroup]:
        return await people.assignment_groups(info.context)

    @strawberry.field(
        graphql_type=list[User],
        description="Demo mode only, and open without a token: the users one may sign in as "
        "with `signInAsDemoUser`.",
    )
    @staticmethod
    async def demo_users(info: Info) -> list[models.User]:
        return await demo.demo_users(info.context)
