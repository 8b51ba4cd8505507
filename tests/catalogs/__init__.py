"""Catalogs for tests, installed next to the demo catalog (their codes differ)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from services.catalog import CatalogDocument, load_catalog

HOLLOW_CATALOG_PATH = Path(__file__).with_name("hollow.yaml")
# Its products, by how many tasks they have (see the file's header).
NO_TASKS = "LICENCE_KEY"
TASK_LESS_PARENTS = "MANAGED_LINK"
TASKS_ABOVE_TASK_LESS = "MANAGED_LINK_PLUS"


@cache
def hollow_catalog() -> CatalogDocument:
    return load_catalog(HOLLOW_CATALOG_PATH)
