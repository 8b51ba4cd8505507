"""Demo mode: the list of demo users (services/auth/demo.py)."""

from __future__ import annotations

from models import User
from resolvers.context import Context
from resolvers.errors import invalid_argument
from services.auth import demo
from services.errors import DomainError


async def demo_users(context: Context) -> list[User]:
    try:
        return await demo.demo_users(context.settings)
    except DomainError as error:
        raise invalid_argument(error) from error
