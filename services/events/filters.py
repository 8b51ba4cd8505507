"""Which events a subscriber asked for: checked at fan-out, and pushed into the replay query."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.queryset import QuerySet

from models import Event
from models.enums import JeopardyLevel
from services.events.feed import EventPredicate
from services.events.kinds import JEOPARDY_CHANGED, EntityType


@dataclass(frozen=True)
class EventFilter:
    # Empty: every entity type / every state.
    entity_types: frozenset[EntityType] = frozenset()
    service_order_id: int | None = None
    new_states: frozenset[str] = frozenset()
    # Only `*.jeopardy_changed` events that reach this level or a higher one (their payload's
    # `jeopardy`): a dashboard asking for LATE gets the changes to LATE or CRITICAL, and
    # nothing else (neither other changes nor a fall below LATE).
    jeopardy_at_least: JeopardyLevel | None = None
    # A further test on the event itself (a payload field, say); it cannot narrow the replay
    # query, only what is delivered.
    also: EventPredicate | None = None

    def matches(self, event: Event) -> bool:
        return (
            (not self.entity_types or event.entity_type in self.entity_types)
            and (self.service_order_id is None or event.service_order_id == self.service_order_id)
            and (not self.new_states or event.new_state in self.new_states)
            and (self.jeopardy_at_least is None or self._reaches(event))
            and (self.also is None or self.also(event))
        )

    def _reaches(self, event: Event) -> bool:
        assert self.jeopardy_at_least is not None
        return event.kind in self._jeopardy_kinds() and event.payload.get("jeopardy") in set(
            self.jeopardy_at_least.at_least()
        )

    def _jeopardy_kinds(self) -> list[str]:
        types = self.entity_types or frozenset(JEOPARDY_CHANGED)
        return sorted(JEOPARDY_CHANGED[t] for t in types if t in JEOPARDY_CHANGED)

    def narrow(self, query: QuerySet[Event]) -> QuerySet[Event]:
        if self.entity_types:
            query = query.filter(entity_type__in=sorted(self.entity_types))
        if self.service_order_id is not None:
            query = query.filter(service_order_id=self.service_order_id)
        if self.new_states:
            query = query.filter(new_state__in=sorted(self.new_states))
        if self.jeopardy_at_least is not None:
            query = query.filter(kind__in=self._jeopardy_kinds())
        return query
