"""Domain errors: expected failures, each with the code the API reports in `userErrors`."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"
    FORBIDDEN = "FORBIDDEN"
    VALIDATION = "VALIDATION"
    CONFLICT = "CONFLICT"


class DomainError(Exception):
    """An expected failure. Raising it inside a unit of work rolls back everything."""

    code: ErrorCode = ErrorCode.VALIDATION

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundError(DomainError):
    code = ErrorCode.NOT_FOUND


class InvalidStateError(DomainError):
    code = ErrorCode.INVALID_STATE


class ForbiddenError(DomainError):
    code = ErrorCode.FORBIDDEN


class ValidationError(DomainError):
    code = ErrorCode.VALIDATION


class ConflictError(DomainError):
    code = ErrorCode.CONFLICT
