"""The history of an order: every change, who made it, when, and the states before and after."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

import models
from resolvers import people
from resolvers.cursors import encode_event_cursor
from resolvers.global_ids import encode_global_id
from resolvers.plan import Now
from schema.info import Info
from schema.node import Node, node_type
from schema.types.people import HIDDEN_USERS, User
from services.events.kinds import EntityType

# The GraphQL type of each entity an event can be about.
_ENTITY_TYPES: dict[str, str] = {
    EntityType.SERVICE_ORDER: "ServiceOrder",
    EntityType.LINE_ITEM: "LineItem",
    EntityType.SOLD_PRODUCT: "SoldProduct",
    EntityType.DOMAIN_ORDER: "DomainOrder",
    EntityType.TASK: "Task",
    EntityType.FALLOUT: "FalloutRecord",
}


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
