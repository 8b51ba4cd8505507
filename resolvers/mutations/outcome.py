"""What a mutation resolver hands back: the changed object, or the user errors that stopped it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from resolvers.context import Context
from services.errors import DomainError

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T | None = None
    errors: list[DomainError] = field(default_factory=list)


async def attempt(context: Context, action: Callable[[], Awaitable[T]]) -> Outcome[T]:
    """Run `action` (id decoding and the service call). An expected failure becomes a user
    error; the service has rolled it back. Anything else propagates and is masked."""
    try:
        value = await action()
    except DomainError as error:
        return Outcome(errors=[error])
    context.forget_loaded()
    return Outcome(value=value)
