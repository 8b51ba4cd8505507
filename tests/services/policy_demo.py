"""The demo data (services/seed: the demo users and orders) as the read policy's tests see it,
with more readers: a twin of each demo user (the same roles, the other assignment groups) and
an inactive manager, so that a rule which asks who a reader is (not only their roles) shows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models import (
    AssignmentGroup,
    DomainOrder,
    Event,
    FalloutRecord,
    LineItem,
    ServiceOrder,
    ServiceSpecification,
    SoldProduct,
    Task,
    TaskTemplate,
    User,
)
from models.enums import Role
from services.seed.demo_orders import create_demo_orders
from services.users import group_ids_of


@dataclass(frozen=True)
class Demo:
    readers: list[User]
    group_ids: dict[int, set[int]]
    orders: list[ServiceOrder]
    items: list[LineItem]
    products: list[SoldProduct]
    domain_orders: list[DomainOrder]
    tasks: list[Task]
    fallouts: list[FalloutRecord]
    events: list[Event]
    reference: list[AssignmentGroup | ServiceSpecification | TaskTemplate]

    def order(self, order_id: int | None) -> ServiceOrder | None:
        return next((o for o in self.orders if o.id == order_id), None)

    def in_order(self, rows: Sequence[Any]) -> list[tuple[Any, ServiceOrder | None]]:
        """Each row with the order it belongs to."""
        return [(row, self.order(row.service_order_id)) for row in rows]

    def sold_in_order(self) -> list[tuple[SoldProduct, list[ServiceOrder]]]:
        """Each sold product with the orders of the line items that created or changed it."""
        item_orders = {item.id: item.service_order_id for item in self.items}
        found = []
        for product in self.products:
            order_ids = [item_orders[product.line_item_id]] + [
                item.service_order_id
                for item in self.items
                if item.changed_product_id == product.id
            ]
            found.append((product, [o for o in map(self.order, order_ids) if o is not None]))
        return found


async def demo_with_twins(users: dict[str, User]) -> Demo:
    await create_demo_orders(users)
    every_group = set(await AssignmentGroup.all().values_list("id", flat=True))
    readers = []
    for user in users.values():
        twin = await User.create(
            username=f"{user.username}-twin", display_name=user.display_name, roles=user.roles
        )
        other_groups = every_group - await group_ids_of(user)
        await twin.groups.add(*await AssignmentGroup.filter(id__in=other_groups))
        readers += [user, twin]
    readers.append(
        await User.create(
            username="gone", display_name="Gone", roles=[Role.ORDER_MANAGER.value], is_active=False
        )
    )
    return Demo(
        readers=readers,
        group_ids={reader.id: await group_ids_of(reader) for reader in readers},
        orders=await ServiceOrder.all(),
        items=await LineItem.all(),
        products=await SoldProduct.all(),
        domain_orders=await DomainOrder.all(),
        tasks=await Task.all(),
        fallouts=await FalloutRecord.all(),
        events=await Event.all(),
        reference=[
            *await AssignmentGroup.all(),
            *await ServiceSpecification.all(),
            *await TaskTemplate.all(),
        ],
    )
