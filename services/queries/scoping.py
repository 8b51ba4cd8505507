"""What a user may read. The rule itself lives in services/policy.py; this applies it to queries."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from models import Event, FalloutRecord, ServiceOrder, Task, User
from services.policy import can_read_order, sees_only_own_orders


def visible_orders(user: User) -> QuerySet[ServiceOrder]:
    orders = ServiceOrder.all()
    return orders.filter(submitted_by_id=user.id) if sees_only_own_orders(user) else orders


def visible_tasks(user: User) -> QuerySet[Task]:
    tasks = Task.all()
    if sees_only_own_orders(user):
        return tasks.filter(service_order__submitted_by_id=user.id)
    return tasks


def visible_fallouts(user: User) -> QuerySet[FalloutRecord]:
    fallouts = FalloutRecord.all()
    if sees_only_own_orders(user):
        return fallouts.filter(service_order__submitted_by_id=user.id)
    return fallouts


def can_read_event(user: User, event: Event, order: ServiceOrder | None) -> bool:
    """An event of an order is as readable as the order; one of no order, as any order is."""
    if order is None:
        return not sees_only_own_orders(user)
    return can_read_order(user, order)


def can_read_user(reader: User, user: User) -> bool:
    """Partners see themselves; everyone else sees the people who work the orders."""
    return not sees_only_own_orders(reader) or reader.id == user.id
