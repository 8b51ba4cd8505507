"""Demo sign-in (demo mode only; open without a token)."""

from __future__ import annotations

import strawberry

from resolvers import demo
from schema.info import Info
from schema.payloads import DemoSignInPayload


@strawberry.type
class DemoMutations:
    @strawberry.mutation(
        description="Demo mode only: a token for one of the demo users (see `demoUsers`)."
    )
    @staticmethod
    async def sign_in_as_demo_user(info: Info, username: str) -> DemoSignInPayload:
        outcome = await demo.sign_in_as_demo_user(info.context, username=username)
        return DemoSignInPayload(outcome=outcome)
