"""Small catalogs written to files, as an editor would write them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

WriteCatalog = Callable[[str], Path]


@pytest.fixture
def write_catalog(tmp_path: Path) -> WriteCatalog:
    def write(text: str) -> Path:
        path = tmp_path / "catalog.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
