"""The history of an order: every change, who made it, when, and the states before and after."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from tortoise.models import Model

import models
from resolvers import people
from resolvers.cursors import encode_event_cursor
from resolvers.global_ids import encode_global_id
from resolvers.node_types import type_name
from resolvers.plan import Now
from schema.info import Info
from schema.node import Node, node_type
from schema.types.people import HIDDEN_USERS, User
from services.events.kinds import EntityType

# The model of each entity an event can be about, and so (from the node table) its GraphQL type.
_ENTITY_MODELS: dict[str, type[Model]] = {
    EntityType.SERVICE_ORDER: models.ServiceOrder,
    EntityType.LINE_ITEM: models.LineItem,
    EntityType.SOLD_PRODUCT: models.SoldProduct,
    EntityType.DOMAIN_ORDER: models.DomainOrder,
    EntityType.TASK: models.Task,
    EntityType.FALLOUT: models.FalloutRecord,
}
_ENTITY_TYPES = {entity: type_name(model) for entity, model in _ENTITY_MODELS.items()}


@node_type(models.Event, description="One change, as the append-only event history recorded it.")
class HistoryEvent(Node):
    kind: str = strawberry.field(
        description="`<entity>.<verb>`, e.g. `service_order.approved`, `task.completed`."
    )
    entity_type: str
    occurred_at: datetime
    previous_state: str | None
    new_state: str | None
    payload: JSON = strawberry.field(description="What changed: number, state, note, reason…")

    @strawberry.field(description="The event's cursor: `after:` of a subscription resumes here.")
    @staticmethod
    def cursor(root: models.Event) -> str:
        return encode_event_cursor(root.id)

    @strawberry.field(description="The global id of the object that changed.")
    @staticmethod
    def entity_id(root: models.Event) -> strawberry.ID:
        type_name = _ENTITY_TYPES.get(root.entity_type)
        if type_name is None:
            return strawberry.ID(str(root.entity_id))
        return strawberry.ID(encode_global_id(type_name, root.entity_id))

    @strawberry.field(
        graphql_type=User | None, description=f"Null for the system's own steps. {HIDDEN_USERS}"
    )
    @staticmethod
    def actor(root: models.Event, info: Info) -> Now[models.User | None]:
        return people.readable_user(info.context, root.actor_id)
