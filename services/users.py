"""Looking up the people who act, and the groups they work in."""

from __future__ import annotations

from models import User
from services.errors import NotFoundError


async def get_user(user_id: int, *, field: str = "assigneeId") -> User:
    user = await User.get_or_none(id=user_id)
    if user is None or not user.is_active:
        raise NotFoundError("No such user.", field=field)
    return user


async def group_ids_of(user: User) -> set[int]:
    return set(await user.groups.all().values_list("id", flat=True))  # type: ignore[arg-type]
