"""Reading users: the reader, the people one can assign work to, their groups, and the users
that other objects show (an assignee, who decided)."""

from __future__ import annotations

from models import AssignmentGroup, User
from resolvers.context import Context
from resolvers.plan import Now, then
from services.policy import can_read_user
from services.queries.scoping import visible_users


async def me(context: Context) -> User:
    return context.actor


async def users(context: Context) -> list[User]:
    """Active users the reader may see (a partner system sees only itself)."""
    return await visible_users(context.actor).filter(is_active=True)


async def assignment_groups(context: Context) -> list[AssignmentGroup]:
    return await AssignmentGroup.all()


def readable_user(context: Context, user_id: int | None) -> Now[User | None]:
    """The user a field names, if there is one and the reader may see them: the rule of
    `node(id:)` (services/policy.py), so that no field shows whom `node` would not."""
    if user_id is None:
        return None
    actor = context.actor

    def if_readable(user: User | None) -> User | None:
        return user if user is not None and can_read_user(actor, user) else None

    return then(context.loaders.user, user_id, if_readable)
