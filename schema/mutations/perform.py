"""How every mutation runs: decode the input, call one service, answer with a payload.

Like Saleor's `perform_mutation`: a mutation passes the service call (its ids decoded inside
it, so that a malformed id is a user error too) and the payload type; an expected failure
(`DomainError`, already rolled back by the service) becomes the payload's user error, and
anything else propagates to be masked (schema/extensions/errors.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from schema.errors import UserError
from schema.info import Info
from services.errors import DomainError

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)
P_co = TypeVar("P_co", covariant=True)


class PayloadType(Protocol[T_contra, P_co]):
    """A payload class (schema/payloads.py), called with its object or its errors."""

    def __call__(self, *, result: T_contra | None, errors: list[UserError]) -> P_co: ...


P = TypeVar("P")


async def perform_mutation(
    info: Info, payload: PayloadType[T, P], action: Callable[[], Awaitable[T]]
) -> P:
    try:
        result = await action()
    except DomainError as error:
        return payload(result=None, errors=[UserError.of(error)])
    # The payload shows the object as the mutation left it, not as this request read it.
    info.context.forget_loaded()
    return payload(result=result, errors=[])
