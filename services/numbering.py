"""Human-readable numbers, unique under concurrency.

Numbers come from a counter row per kind, bumped with `value = value + n` inside the caller's
transaction: the UPDATE takes the row lock, so concurrent transactions queue on it and never
read the same value. Decomposition asks for a whole block at once.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise.expressions import F

from models import NumberSequence


class NumberKind(StrEnum):
    SERVICE_ORDER = "SO"
    DOMAIN_ORDER = "DO"
    TASK = "TASK"
    FALLOUT = "FO"


# Width of the digits after the prefix, and where each series starts (SO0001001 is the first order).
_FORMAT = {
    NumberKind.SERVICE_ORDER: (7, 1000),
    NumberKind.DOMAIN_ORDER: (7, 0),
    NumberKind.TASK: (7, 0),
    NumberKind.FALLOUT: (7, 0),
}


async def allocate_numbers(kind: NumberKind, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers of `kind`; call inside the unit of work."""
    if count < 1:
        return []
    updated = await NumberSequence.filter(name=kind.value).update(value=F("value") + count)
    if not updated:
        # First use of this kind: create the row without racing a concurrent first use
        # (INSERT … ON CONFLICT DO NOTHING waits for the other insert, then yields to it).
        await NumberSequence.bulk_create(
            [NumberSequence(name=kind.value, value=0)], ignore_conflicts=True
        )
        await NumberSequence.filter(name=kind.value).update(value=F("value") + count)
    row = await NumberSequence.get(name=kind.value)
    width, offset = _FORMAT[kind]
    first = int(row.value) - count + 1
    return [f"{kind.value}{offset + n:0{width}d}" for n in range(first, first + count)]


async def allocate_number(kind: NumberKind) -> str:
    return (await allocate_numbers(kind, 1))[0]
