"""Domain orders: the tree a line item decomposes into (product → CFS → RFS → resource)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.catalog import ServiceSpecification
from models.enums import FulfillmentState, SpecificationKind
from models.orders import LineItem, ProgressCounters, ServiceOrder

if TYPE_CHECKING:
    from models.tasks import Task


class DomainOrder(Model, ProgressCounters):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=16, unique=True)
    # The order is reachable through the line item; it is stored too so that the plan of an
    # order loads with one query per level.
    service_order: fields.ForeignKeyRelation[ServiceOrder] = fields.ForeignKeyField(
        "models.ServiceOrder", related_name="domain_orders", on_delete=fields.CASCADE
    )
    line_item: fields.ForeignKeyRelation[LineItem] = fields.ForeignKeyField(
        "models.LineItem", related_name="domain_orders", on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyNullableRelation[DomainOrder] = fields.ForeignKeyField(
        "models.DomainOrder", related_name="children", null=True, on_delete=fields.CASCADE
    )
    specification: fields.ForeignKeyRelation[ServiceSpecification] = fields.ForeignKeyField(
        "models.ServiceSpecification", related_name="domain_orders", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(SpecificationKind, max_length=32)
    state = fields.CharEnumField(FulfillmentState, max_length=16, default=FulfillmentState.PENDING)
    depth = fields.IntField(default=0)
    # Creation order within the line item: parents always come before their children.
    position = fields.IntField(default=0)
    # The whole subtree's tasks (its own and its descendants'), as on line items and orders.
    tasks_total = fields.IntField(default=0)
    tasks_done = fields.IntField(default=0)
    # Its own tasks only.
    own_tasks_total = fields.IntField(default=0, db_default=0)
    own_tasks_done = fields.IntField(default=0, db_default=0)
    # Set when its line item was cancelled, or a revision dropped it: CANCELLING while a
    # compensating task of its subtree is open, then CANCELLED. It is never revived.
    cancelled_at = fields.DatetimeField(null=True)

    service_order_id: int
    line_item_id: int
    parent_id: int | None
    specification_id: int
    children: fields.ReverseRelation[DomainOrder]
    tasks: fields.ReverseRelation[Task]

    class Meta:
        table = "domain_order"
        ordering = ["position", "id"]
        # An order's domain orders (plan, decomposition), a line item's (rollup), a parent's
        # children (subtree rollups, ON DELETE CASCADE).
        indexes = (("service_order_id", "depth"), ("line_item_id",), ("parent_id",))
