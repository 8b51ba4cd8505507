"""User errors: the expected failures of a mutation, returned in its payload."""

from __future__ import annotations

import strawberry

from schema.enums import ErrorCode
from services.errors import DomainError


@strawberry.type(description="Why a mutation changed nothing.")
class UserError:
    code: ErrorCode
    message: str
    field: str | None = strawberry.field(
        description="The input field at fault (e.g. `serviceOrderId`, `lineItems[0].quantity`)."
    )

    @classmethod
    def of(cls, error: DomainError) -> UserError:
        return cls(code=error.code, message=error.message, field=error.field)
