"""A file that is not a readable YAML mapping is refused with the file's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.catalog import CatalogError, load_catalog
from tests.services.catalog.conftest import WriteCatalog


def test_a_yaml_syntax_error_names_the_file_and_the_line(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - code: [ONT
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: invalid YAML: line 4, column 1: expected ',' or ']', but got '<stream end>'"
    ]


def test_a_key_repeated_in_one_entry_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog(
        """
        specifications:
          - code: ONT
            name: ONT
            kind: RESOURCE
            kind: PRODUCT
            domain: cpe
        """
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: invalid YAML: line 6, column 5: found the key 'kind' twice"
    ]


def test_an_empty_file_is_refused(write_catalog: WriteCatalog) -> None:
    path = write_catalog("")

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [
        f"{path}: a catalog is a mapping with 'specifications' at its top"
    ]


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"

    with pytest.raises(CatalogError) as refused:
        load_catalog(path)

    assert refused.value.problems == [f"{path}: cannot be read: No such file or directory"]
