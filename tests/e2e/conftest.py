"""The end-to-end tests' shared servers."""

from tests.e2e.operations import operated

__all__ = ["operated"]
