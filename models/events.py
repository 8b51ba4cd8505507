"""The append-only event history: audit trail, subscription source and replay log."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Event(Model):
    id = fields.BigIntField(primary_key=True)
    occurred_at = fields.DatetimeField()
    # `services.events.kinds.EventKind`: dotted, entity first ("task.completed"); the entity is
    # `entity_type`.
    kind = fields.CharField(max_length=64)
    entity_type = fields.CharField(max_length=32)
    entity_id = fields.IntField()
    # Plain ids, not foreign keys: the history outlives and never constrains what it describes.
    service_order_id = fields.IntField(null=True)
    actor_id = fields.IntField(null=True)
    previous_state = fields.CharField(max_length=32, null=True)
    new_state = fields.CharField(max_length=32, null=True)
    payload: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "event"
        ordering = ["id"]
        indexes = (("service_order_id", "id"), ("entity_type", "entity_id"))
