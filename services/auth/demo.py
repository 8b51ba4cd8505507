"""Demo sign-in: in demo mode only, anyone may act as one of the demo users."""

from __future__ import annotations

from models import User
from services.auth.tokens import issue_token
from services.errors import ForbiddenError, NotFoundError
from services.seed.users import DEMO_USERS
from services.settings import Settings

# The people a visitor may act as: not the workers' service account (its token comes from
# `server.py token automation`).
_DEMO_USERNAMES = [demo.username for demo in DEMO_USERS if demo.signs_in]


def require_demo_mode(settings: Settings) -> None:
    if not settings.demo_mode:
        raise ForbiddenError("Demo sign-in is available only in demo mode.")


async def demo_users(settings: Settings) -> list[User]:
    """The demo users that exist and are active, in the order DESIGN.md lists them."""
    require_demo_mode(settings)
    found = {u.username: u for u in await User.filter(username__in=_DEMO_USERNAMES, is_active=True)}
    return [found[name] for name in _DEMO_USERNAMES if name in found]


async def sign_in_as_demo_user(username: str, settings: Settings) -> tuple[User, str]:
    """The demo user and a fresh token for them."""
    require_demo_mode(settings)
    user = None
    if username in _DEMO_USERNAMES:
        user = await User.get_or_none(username=username, is_active=True)
    if user is None:
        raise NotFoundError(f"{username!r} is not a demo user.", field="username")
    return user, issue_token(user, settings)
