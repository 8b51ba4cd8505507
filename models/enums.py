"""The closed vocabularies of the domain, shared by models, services and the GraphQL schema."""

from enum import StrEnum


class Role(StrEnum):
    ORDER_MANAGER = "ORDER_MANAGER"
    FULFILLMENT_AGENT = "FULFILLMENT_AGENT"
    VIEWER = "VIEWER"
    INTEGRATOR = "INTEGRATOR"
    ADMIN = "ADMIN"
    # A service account that works automated tasks (fetch and lock, complete, fail, extend).
    AUTOMATION = "AUTOMATION"


class SpecificationKind(StrEnum):
    PRODUCT = "PRODUCT"
    CUSTOMER_FACING_SERVICE = "CUSTOMER_FACING_SERVICE"
    RESOURCE_FACING_SERVICE = "RESOURCE_FACING_SERVICE"
    RESOURCE = "RESOURCE"


class RelationshipType(StrEnum):
    BUNDLES = "BUNDLES"
    REALIZED_AS = "REALIZED_AS"
    REQUIRES = "REQUIRES"
    COMPOSED_OF = "COMPOSED_OF"


# Relationship types whose target becomes a domain order of its own during decomposition.
DECOMPOSING_RELATIONSHIPS = frozenset(
    {RelationshipType.BUNDLES, RelationshipType.REALIZED_AS, RelationshipType.REQUIRES}
)


class Priority(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


class ServiceOrderState(StrEnum):
    NEW = "NEW"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    REJECTED = "REJECTED"
    IN_PROGRESS = "IN_PROGRESS"
    # Stopped by a manager: no task of it starts until it is resumed (`held_from` says to what).
    HELD = "HELD"
    # The whole order was cancelled and compensating tasks are still open.
    CANCELLING = "CANCELLING"
    COMPLETED = "COMPLETED"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class LineItemAction(StrEnum):
    ADD = "ADD"
    MODIFY = "MODIFY"
    DELETE = "DELETE"


class FulfillmentState(StrEnum):
    """State of a line item or a domain order, rolled up from the tasks beneath it."""

    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    # Cancelled, with compensating tasks still open in it.
    CANCELLING = "CANCELLING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class SoldProductState(StrEnum):
    """PENDING → ACTIVE (its ADD completed) → TERMINATED (a DELETE completed); PENDING →
    CANCELLED (its ADD did not complete). A MODIFY keeps it ACTIVE."""

    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    TERMINATED = "TERMINATED"
    CANCELLED = "CANCELLED"


class TaskState(StrEnum):
    PENDING = "PENDING"
    READY = "READY"
    IN_PROGRESS = "IN_PROGRESS"
    ON_HOLD = "ON_HOLD"
    COMPLETED = "COMPLETED"
    SKIPPED = "SKIPPED"
    CANCELLED = "CANCELLED"


class TaskKind(StrEnum):
    """Who works a task: people (MANUAL) or a worker of its handler (AUTOMATED)."""

    MANUAL = "MANUAL"
    AUTOMATED = "AUTOMATED"


# A task in one of these states is done: it counts towards progress and releases its dependents.
TASK_DONE_STATES = frozenset({TaskState.COMPLETED, TaskState.SKIPPED})
TASK_FINAL_STATES = frozenset({TaskState.COMPLETED, TaskState.SKIPPED, TaskState.CANCELLED})


class FalloutType(StrEnum):
    PROVISIONING_FAILURE = "PROVISIONING_FAILURE"
    INVENTORY_ALLOCATION_FAILURE = "INVENTORY_ALLOCATION_FAILURE"
    BILLING_ISSUE = "BILLING_ISSUE"
    CUSTOMER_INFORMATION = "CUSTOMER_INFORMATION"
    OTHER = "OTHER"


class FalloutState(StrEnum):
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"
    CANCELLED = "CANCELLED"


FALLOUT_OPEN_STATES = frozenset({FalloutState.OPEN, FalloutState.IN_PROGRESS})


class FalloutAction(StrEnum):
    RETRY_TASK = "RETRY_TASK"
    COMPLETE_TASK = "COMPLETE_TASK"
    SKIP_TASK = "SKIP_TASK"
    # The work cannot be done: the task's line item fails (its open work is cancelled, its done
    # work compensated; services/orders/fail_item.py).
    FAIL_LINE_ITEM = "FAIL_LINE_ITEM"


class JeopardyLevel(StrEnum):
    """How late an order or a task is, lowest first (services/schedule/jeopardy.py: the rules)."""

    NONE = "NONE"
    AT_RISK = "AT_RISK"
    LATE = "LATE"
    CRITICAL = "CRITICAL"

    @property
    def rank(self) -> int:
        return JEOPARDY_LEVELS.index(self)

    def at_least(self) -> "list[JeopardyLevel]":
        """This level and every higher one."""
        return list(JEOPARDY_LEVELS[self.rank :])


JEOPARDY_LEVELS: tuple[JeopardyLevel, ...] = tuple(JeopardyLevel)
