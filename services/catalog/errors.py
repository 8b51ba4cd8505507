"""The one error a catalog that cannot be loaded raises."""

from __future__ import annotations

from collections.abc import Sequence

from services.errors import ValidationError


class CatalogError(ValidationError):
    """Every problem found, one line each, each naming the file and the entry."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems), field="catalog")
        self.problems = list(problems)
