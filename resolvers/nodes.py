"""`node(id:)`: any object by its global id, if the reader may see it."""

from __future__ import annotations

from tortoise.models import Model

from resolvers.context import Context
from resolvers.global_ids import parse_global_id


async def node(context: Context, id: str) -> Model | None:
    """Null for an id that is malformed, unknown, or names something the reader may not see:
    the answers are the same so that they reveal nothing."""
    parsed = parse_global_id(id)
    if parsed is None:
        return None
    node_type, pk = parsed
    row: Model | None = await node_type.fetch(context, pk)
    return row
