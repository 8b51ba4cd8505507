"""Demo mode: the list of demo users and signing in as one (services/auth/demo.py)."""

from __future__ import annotations

from dataclasses import dataclass

from models import User
from resolvers.context import Context
from resolvers.errors import invalid_argument
from resolvers.mutations.outcome import Outcome, attempt
from services.auth import demo
from services.errors import DomainError


@dataclass(frozen=True)
class DemoSession:
    user: User
    token: str


async def demo_users(context: Context) -> list[User]:
    try:
        return await demo.demo_users(context.settings)
    except DomainError as error:
        raise invalid_argument(error) from error


async def sign_in_as_demo_user(context: Context, *, username: str) -> Outcome[DemoSession]:
    async def action() -> DemoSession:
        user, token = await demo.sign_in_as_demo_user(username, context.settings)
        return DemoSession(user=user, token=token)

    return await attempt(context, action)
