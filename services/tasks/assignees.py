"""Who a task (or the fallout on it) may be assigned to."""

from __future__ import annotations

from models import User
from services.errors import ValidationError
from services.inputs import InputId, input_id
from services.policy import can_be_assigned_tasks
from services.users import get_user


async def get_assignee(user_id: InputId, *, field: str = "assigneeId") -> User:
    """An active user who may work tasks; NOT_FOUND or VALIDATION on `field` otherwise."""
    user = await get_user(input_id(user_id), field=field)
    if not can_be_assigned_tasks(user):
        raise ValidationError(f"{user.username} does not work fulfillment tasks.", field=field)
    return user
