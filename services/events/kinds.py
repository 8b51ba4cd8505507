"""Every kind of event the service records, and the entity each one is about.

A kind reads `<entity>.<verb>`; the entity (the part before the dot) is the event's
`entity_type`, derived here rather than passed alongside, so the two cannot disagree. Each kind
has its payload shaped by exactly one recorder (`services/events/recorders.py`).
"""

from __future__ import annotations

from enum import StrEnum


class EntityType(StrEnum):
    """What an event is about: the part of its kind before the dot."""

    SERVICE_ORDER = "service_order"
    LINE_ITEM = "line_item"
    DOMAIN_ORDER = "domain_order"
    SOLD_PRODUCT = "sold_product"
    TASK = "task"
    FALLOUT = "fallout"


class EventKind(StrEnum):
    SERVICE_ORDER_SUBMITTED = "service_order.submitted"
    SERVICE_ORDER_APPROVED = "service_order.approved"
    SERVICE_ORDER_REJECTED = "service_order.rejected"
    SERVICE_ORDER_REOPENED = "service_order.reopened"
    SERVICE_ORDER_DECOMPOSED = "service_order.decomposed"
    SERVICE_ORDER_STATE_CHANGED = "service_order.state_changed"
    SERVICE_ORDER_HELD = "service_order.held"
    SERVICE_ORDER_RESUMED = "service_order.resumed"
    SERVICE_ORDER_REVISED = "service_order.revised"
    SERVICE_ORDER_CANCELLED = "service_order.cancelled"
    SERVICE_ORDER_JEOPARDY_CHANGED = "service_order.jeopardy_changed"
    LINE_ITEM_STATE_CHANGED = "line_item.state_changed"
    LINE_ITEM_POINT_OF_NO_RETURN_REACHED = "line_item.point_of_no_return_reached"
    # A fallout of it was resolved FAIL_LINE_ITEM: the decision (the states follow).
    LINE_ITEM_FAILED = "line_item.failed"
    DOMAIN_ORDER_STATE_CHANGED = "domain_order.state_changed"
    # Written before the installed base: kept so that history written then keeps reading.
    SOLD_PRODUCT_STATE_CHANGED = "sold_product.state_changed"
    SOLD_PRODUCT_ACTIVATED = "sold_product.activated"
    SOLD_PRODUCT_MODIFIED = "sold_product.modified"
    SOLD_PRODUCT_TERMINATED = "sold_product.terminated"
    SOLD_PRODUCT_CANCELLED = "sold_product.cancelled"
    TASK_READY = "task.ready"
    TASK_STARTED = "task.started"
    TASK_COMPLETED = "task.completed"
    TASK_SKIPPED = "task.skipped"
    TASK_REASSIGNED = "task.reassigned"
    TASK_ON_HOLD = "task.on_hold"
    TASK_RETRIED = "task.retried"
    TASK_DEFERRED = "task.deferred"
    # Automated tasks (services/automation/): a worker took the lease, extended it, failed
    # with attempts left (back to READY after the backoff), failed for good (ON_HOLD with a
    # system fallout), or lost it by letting it expire (the sweeper).
    TASK_LOCKED = "task.locked"
    TASK_LOCK_EXTENDED = "task.lock_extended"
    TASK_RETRY_SCHEDULED = "task.retry_scheduled"
    TASK_FAILED = "task.failed"
    TASK_LOCK_EXPIRED = "task.lock_expired"
    TASK_CREATED = "task.created"
    TASK_CANCELLED = "task.cancelled"
    TASK_WAITING = "task.waiting"
    TASK_JEOPARDY_CHANGED = "task.jeopardy_changed"
    FALLOUT_CREATED = "fallout.created"
    FALLOUT_REASSIGNED = "fallout.reassigned"
    FALLOUT_RESOLVED = "fallout.resolved"
    FALLOUT_CANCELLED = "fallout.cancelled"

    @property
    def entity_type(self) -> EntityType:
        return EntityType(self.value.partition(".")[0])


# The kinds that report an entity's own jeopardy level changing (services/schedule/), by entity:
# what a jeopardy filter follows (services/events/filters.py).
JEOPARDY_CHANGED: dict[EntityType, EventKind] = {
    EntityType.SERVICE_ORDER: EventKind.SERVICE_ORDER_JEOPARDY_CHANGED,
    EntityType.TASK: EventKind.TASK_JEOPARDY_CHANGED,
}

# Kinds no service writes any more, kept so that history written before keeps reading.
HISTORICAL_KINDS = frozenset({EventKind.SOLD_PRODUCT_STATE_CHANGED})
