"""Demo sign-in (demo mode only; open without a token)."""

from __future__ import annotations

import strawberry

from schema.info import Info
from schema.mutations.perform import perform_mutation
from schema.payloads import DemoSignInPayload
from services.auth import demo


@strawberry.type
class DemoMutations:
    @strawberry.mutation(
        description="Demo mode only: a token for one of the demo users (see `demoUsers`)."
    )
    @staticmethod
    async def sign_in_as_demo_user(info: Info, username: str) -> DemoSignInPayload:
        return await perform_mutation(
            info,
            DemoSignInPayload,
            lambda: demo.sign_in_as_demo_user(username, info.context.settings),
        )
