"""The demo users: one per role, and two agents who share some groups and cover them all."""

from __future__ import annotations

from models import User
from models.enums import Role
from services.catalog import CatalogDocument
from services.seed import create_demo_users


async def group_names(user: User) -> set[str]:
    return set(await user.groups.all().values_list("name", flat=True))  # type: ignore[arg-type]


async def test_each_demo_user_has_its_role(users: dict[str, User]) -> None:
    roles = {name: user.roles for name, user in users.items()}

    assert roles == {
        "manager": [Role.ORDER_MANAGER],
        "agent1": [Role.FULFILLMENT_AGENT],
        "agent2": [Role.FULFILLMENT_AGENT],
        "viewer": [Role.VIEWER],
        "partner": [Role.INTEGRATOR],
        "admin": [Role.ADMIN],
        "automation": [Role.AUTOMATION],
    }


async def test_between_them_the_agents_work_in_every_group_of_the_demo_catalog(
    users: dict[str, User], catalog: CatalogDocument
) -> None:
    covered = await group_names(users["agent1"]) | await group_names(users["agent2"])

    assert covered == {group.name for group in catalog.assignment_groups}


async def test_the_agents_share_some_groups_and_not_others(users: dict[str, User]) -> None:
    agent1, agent2 = await group_names(users["agent1"]), await group_names(users["agent2"])

    assert agent1 & agent2
    assert agent1 - agent2
    assert agent2 - agent1


async def test_creating_the_demo_users_again_changes_nothing(users: dict[str, User]) -> None:
    before = await User.all().order_by("id").values("id", "username", "display_name", "roles")
    memberships = {name: await group_names(user) for name, user in users.items()}

    again = await create_demo_users()

    assert {name: user.id for name, user in again.items()} == {
        name: user.id for name, user in users.items()
    }
    assert (
        await User.all().order_by("id").values("id", "username", "display_name", "roles") == before
    )
    assert {name: await group_names(user) for name, user in again.items()} == memberships


async def test_demo_users_get_their_groups_even_without_a_catalog(db: str) -> None:
    users = await create_demo_users()

    assert await group_names(users["agent1"]) == {
        "field-operations",
        "logistics",
        "network-engineering",
    }
