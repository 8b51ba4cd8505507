"""The domain's closed vocabularies as GraphQL enums: the models' own Python enums, registered
with Strawberry here, so a model attribute is already the value GraphQL shows. Import enums for
the schema from this module so that registration has happened."""

import strawberry

from models.enums import (
    FalloutAction,
    FalloutState,
    FalloutType,
    FulfillmentState,
    JeopardyLevel,
    LineItemAction,
    Priority,
    RelationshipType,
    Role,
    ServiceOrderState,
    SoldProductState,
    SpecificationKind,
    TaskKind,
    TaskState,
)
from services.errors import ErrorCode

_DESCRIPTIONS = {
    Role: "What a user may do (see the roles table of the README).",
    SpecificationKind: "The level of a specification: product → CFS → RFS → resource.",
    RelationshipType: "How one specification relates to another.",
    Priority: None,
    ServiceOrderState: None,
    LineItemAction: None,
    FulfillmentState: "State of a line item or domain order, rolled up from its tasks.",
    SoldProductState: None,
    TaskState: None,
    TaskKind: "Who works a task: people (MANUAL) or a worker of its handler (AUTOMATED).",
    FalloutType: None,
    FalloutState: None,
    FalloutAction: "What resolving a fallout does to its task: RETRY_TASK, COMPLETE_TASK, "
    "SKIP_TASK; or FAIL_LINE_ITEM: the work cannot be done, the task's line item fails (its "
    "open tasks are cancelled, its done work undone by compensating tasks; then FAILED).",
    ErrorCode: "Why a mutation was refused.",
    JeopardyLevel: "How late an order or a task is, lowest first (the rules: README, "
    "Dates and jeopardy).",
}
for _enum, _description in _DESCRIPTIONS.items():
    strawberry.enum(_enum, description=_description)

__all__ = [
    "ErrorCode",
    "FalloutAction",
    "FalloutState",
    "FalloutType",
    "FulfillmentState",
    "JeopardyLevel",
    "LineItemAction",
    "Priority",
    "RelationshipType",
    "Role",
    "ServiceOrderState",
    "SoldProductState",
    "SpecificationKind",
    "TaskKind",
    "TaskState",
]
