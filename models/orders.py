"""Service orders, their line items, and the products the customer owns once they are fulfilled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from tortoise import fields
from tortoise.models import Model

from models.catalog import ServiceSpecification
from models.enums import (
    FulfillmentState,
    JeopardyLevel,
    LineItemAction,
    Priority,
    ServiceOrderState,
    SoldProductState,
)
from models.users import User

if TYPE_CHECKING:
    from models.domain_orders import DomainOrder


class ProgressCounters:
    """Denormalised task counts, recomputed from the task rows in every transaction that moves a
    task, so that lists can show progress without reading every task."""

    tasks_total: int
    tasks_done: int


class ServiceOrder(Model, ProgressCounters):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=16, unique=True)
    external_id = fields.CharField(max_length=128, null=True)
    customer = fields.CharField(max_length=128)
    priority = fields.CharEnumField(Priority, max_length=16, default=Priority.NORMAL)
    requested_completion_date = fields.DatetimeField(null=True)
    state = fields.CharEnumField(ServiceOrderState, max_length=16, default=ServiceOrderState.NEW)
    version = fields.IntField(default=1)
    # Goes up by one per revision (reviseServiceOrder); 0 is the order as submitted.
    revision = fields.IntField(default=0, db_default=0)
    # While HELD: the state it was held from (resume restores it) and since when. Every hold
    # that ended adds its length to held_seconds, so the schedule can shift planned dates by
    # the time an order stood still (the current hold: clock.now() - held_at).
    held_from = cast(  # CharEnumField has no typing for null=True (see Task.deferred_outcome)
        "fields.Field[ServiceOrderState | None]",
        fields.CharEnumField(ServiceOrderState, max_length=16, null=True),
    )
    held_at = fields.DatetimeField(null=True)
    held_seconds = fields.IntField(default=0, db_default=0)
    submitted_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="submitted_orders", on_delete=fields.RESTRICT
    )
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="decided_orders", null=True, on_delete=fields.RESTRICT
    )
    decided_at = fields.DatetimeField(null=True)
    decision_reason: str | None = fields.TextField(null=True)
    tasks_total = fields.IntField(default=0)
    tasks_done = fields.IntField(default=0)
    # The schedule (services/schedule/): the latest planned end of its tasks, how late it is,
    # and when time alone would next raise a level (the sweeper's work list, indexed).
    expected_completion_at = fields.DatetimeField(null=True)
    jeopardy = fields.CharEnumField(
        JeopardyLevel, max_length=16, default=JeopardyLevel.NONE, db_default=JeopardyLevel.NONE
    )
    jeopardy_reason = fields.CharField(max_length=256, default="", db_default="")
    # How late, in minutes, for the lists sorted by it: expected completion - due date (moved
    # by the time held), or without a due date its latest task's; 0 when on time or unplanned.
    lateness_minutes = fields.IntField(default=0, db_default=0)
    next_jeopardy_check_at = fields.DatetimeField(null=True)
    # The latest clock the schedule was computed at: a clock going backwards changes nothing.
    scheduled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    completed_at = fields.DatetimeField(null=True)
    # The first time an item of the order passed its point of no return (its items carry their
    # own): from then on the order is cancelled item by item, never as a whole. Kept on the
    # order so that its `viewerCan` needs no line items, in a list of orders too.
    point_of_no_return_reached_at = fields.DatetimeField(null=True)

    submitted_by_id: int
    decided_by_id: int | None
    line_items: fields.ReverseRelation[LineItem]

    class Meta:
        table = "service_order"
        # A partner's external id identifies one order of that partner.
        unique_together = (("submitted_by", "external_id"),)
        ordering = ["-id"]
        # The list's keyset pages, newest first, by each filter it takes (a partner sees only
        # its own orders: submitted_by).
        # serviceOrders(filter: {jeopardyAtLeast}) sorted by how late; the jeopardy sweeper's
        # orders whose next check has come.
        indexes = (
            ("state", "id"),
            ("submitted_by_id", "id"),
            ("customer", "id"),
            ("jeopardy", "lateness_minutes", "id"),
            ("next_jeopardy_check_at",),
        )


class LineItem(Model, ProgressCounters):
    id = fields.IntField(primary_key=True)
    service_order: fields.ForeignKeyRelation[ServiceOrder] = fields.ForeignKeyField(
        "models.ServiceOrder", related_name="line_items", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    action = fields.CharEnumField(LineItemAction, max_length=16)
    specification: fields.ForeignKeyRelation[ServiceSpecification] = fields.ForeignKeyField(
        "models.ServiceSpecification", related_name="line_items", on_delete=fields.RESTRICT
    )
    characteristics: dict[str, Any] = fields.JSONField(default=dict)
    quantity = fields.IntField(default=1)
    state = fields.CharEnumField(FulfillmentState, max_length=16, default=FulfillmentState.PENDING)
    tasks_total = fields.IntField(default=0)
    tasks_done = fields.IntField(default=0)
    # Set when a point-of-no-return task of the item starts: from then on it can no longer be
    # cancelled or revised.
    point_of_no_return_reached_at = fields.DatetimeField(null=True)
    # Set when its cancellation is requested: CANCELLING while compensation runs, then CANCELLED.
    cancelled_at = fields.DatetimeField(null=True)
    cancellation_reason: str | None = fields.TextField(null=True)
    # Set when a fallout of it is resolved FAIL_LINE_ITEM (its work cannot be done): CANCELLING
    # while compensation runs, then FAILED. Never set together with `cancelled_at`.
    failed_at = fields.DatetimeField(null=True)
    failure_reason: str | None = fields.TextField(null=True)
    # The product a MODIFY or DELETE item changes (set at submit from `soldProductId`); null for
    # an ADD, whose product points back at it (SoldProduct.line_item). A plain id, not a foreign
    # key: sold_product already references line_item, and Tortoise cannot create two tables that
    # reference each other (its schema generator refuses the cycle even without a constraint).
    # The id is set only from a product row read and locked at submit; products are never
    # deleted.
    changed_product_id: int | None = fields.IntField(null=True)

    service_order_id: int
    specification_id: int
    domain_orders: fields.ReverseRelation[DomainOrder]
    sold_product: fields.BackwardOneToOneRelation[SoldProduct]

    class Meta:
        table = "line_item"
        ordering = ["position", "id"]
        # An order's items; the open items that change a product (one at a time); the orders
        # that have an item of an action (the order list's `action` filter).
        indexes = (
            ("service_order_id", "position"),
            ("changed_product_id", "state"),
            ("action", "service_order_id"),
        )


class SoldProduct(Model):
    id = fields.IntField(primary_key=True)
    # The ADD item that created it.
    line_item: fields.OneToOneRelation[LineItem] = fields.OneToOneField(
        "models.LineItem", related_name="sold_product", on_delete=fields.CASCADE
    )
    specification: fields.ForeignKeyRelation[ServiceSpecification] = fields.ForeignKeyField(
        "models.ServiceSpecification", related_name="sold_products", on_delete=fields.RESTRICT
    )
    # The customer of the order that created it: a product is the customer's for its life.
    customer = fields.CharField(max_length=128)
    state = fields.CharEnumField(SoldProductState, max_length=16, default=SoldProductState.PENDING)
    # As they are now: the ADD item's from activation, then each completed MODIFY's; the
    # earlier values are in the sold_product.modified events.
    characteristics: dict[str, Any] = fields.JSONField(default=dict, db_default={})
    created_at = fields.DatetimeField(auto_now_add=True)
    activated_at = fields.DatetimeField(null=True)
    terminated_at = fields.DatetimeField(null=True)

    line_item_id: int
    specification_id: int

    class Meta:
        table = "sold_product"
        # The list's keyset pages, newest first, by each filter it takes.
        indexes = (("customer", "id"), ("state", "id"), ("specification_id", "id"))
