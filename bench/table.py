"""Plain-text tables for the benchmarks' figures."""

from __future__ import annotations

import math
from collections.abc import Sequence

Cell = str | int | float | None


def ms(seconds: float | None) -> str:
    return "—" if seconds is None or math.isnan(seconds) else f"{seconds * 1000:.1f}"


def number(value: float | None, digits: int = 0) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def ratio(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.2f}x"


def render(
    title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], *, left: int = 1
) -> str:
    """`left` columns are text (aligned left); the others are figures (aligned right)."""
    cells = [[str(c) if c is not None else "—" for c in row] for row in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(header)]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.ljust(width) if i < left else value.rjust(width)
            for i, (value, width) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([title, line(list(header)), rule, *(line(row) for row in cells)])
