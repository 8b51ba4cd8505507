"""Reading users: the reader, the people one can assign work to, and their groups."""

from __future__ import annotations

from models import AssignmentGroup, User
from resolvers.context import Context
from services.policy import sees_only_own_orders


async def me(context: Context) -> User:
    return context.actor


async def users(context: Context) -> list[User]:
    """Active users; a partner system sees only itself."""
    if sees_only_own_orders(context.actor):
        return [context.actor]
    return await User.filter(is_active=True)


async def assignment_groups(context: Context) -> list[AssignmentGroup]:
    return await AssignmentGroup.all()
