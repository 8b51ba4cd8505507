"""What a user may read, as queries: the read rules of services/policy.py (`Scope`s) made
query filters. No rule lives here; each kind is filtered by the scope its `can_read_*` uses."""

from __future__ import annotations

from typing import Any, TypeVar

from tortoise.expressions import Q, Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models import FalloutRecord, LineItem, ServiceOrder, SoldProduct, Task, User
from services.policy import Scope, readable_orders, readable_sold_products, readable_users

M = TypeVar("M", bound=Model)


def within(rows: QuerySet[M], scope: Scope, *, through: str | None = None) -> QuerySet[M]:
    """`rows` that `scope` admits; `through`: the relation to the row the scope judges (tasks
    are read by their order: `through="service_order"`)."""
    if scope.is_everything:
        return rows
    prefix = f"{through}__" if through is not None else ""
    return rows.filter(**{prefix + name: value for name, value in scope.only})


def visible_orders(reader: User) -> QuerySet[ServiceOrder]:
    return within(ServiceOrder.all(), readable_orders(reader))


def visible_tasks(reader: User) -> QuerySet[Task]:
    """As `can_read_task`: by their order."""
    return within(Task.all(), readable_orders(reader), through="service_order")


def visible_fallouts(reader: User) -> QuerySet[FalloutRecord]:
    """As `can_read_fallout`: by their order."""
    return within(FalloutRecord.all(), readable_orders(reader), through="service_order")


def visible_sold_products(reader: User) -> QuerySet[SoldProduct]:
    """As `can_read_sold_product`: by the orders of the items that created or changed them.

    The creating order is joined row by row (a product has one), so that a page of a
    partner's products reads that page's rows and their orders; an `IN` over the partner's
    line items read them all at every page. The changing orders stay an `IN`: it is reached
    only for a product the reader did not order (the planners evaluate it lazily)."""
    scope = readable_sold_products(reader)
    if scope.is_everything:
        return SoldProduct.all()
    by_order: dict[str, Any] = {f"line_item__service_order__{k}": v for k, v in scope.only}
    created = Q(**by_order)
    changing = within(
        LineItem.filter(changed_product_id__not_isnull=True), scope, through="service_order"
    ).values("changed_product_id")
    return SoldProduct.filter(created | Q(id__in=Subquery(changing)))


def visible_users(reader: User) -> QuerySet[User]:
    return within(User.all(), readable_users(reader))
