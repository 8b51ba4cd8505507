"""The service catalog: a human-edited YAML file, validated as a whole, installed as data."""

from services.catalog.errors import CatalogError
from services.catalog.format import CatalogDocument
from services.catalog.install import install_catalog
from services.catalog.loader import DEMO_CATALOG_PATH, load_catalog, validate_catalog_file

__all__ = [
    "DEMO_CATALOG_PATH",
    "CatalogDocument",
    "CatalogError",
    "install_catalog",
    "load_catalog",
    "validate_catalog_file",
]
