"""Fallout: reporting a task that cannot go on, following it up, resolving it."""

from services.fallouts.create import create_fallout
from services.fallouts.reassign import reassign_fallout
from services.fallouts.resolve import resolve_fallout

__all__ = ["create_fallout", "reassign_fallout", "resolve_fallout"]
