"""The demo users: one per role, and two agents whose groups overlap.

Between them the agents cover every assignment group of the demo catalog, and both work in
network-engineering and logistics, so that tests and demos can show two agents competing for
the same task as well as tasks only one of them may take.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import AssignmentGroup, User
from models.enums import Role
from services.unit_of_work import unit_of_work
from services.users import group_ids_of


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    groups: tuple[str, ...] = ()
    # Offered by the demo sign-in (a person a visitor may act as); not a service account.
    signs_in: bool = True


DEMO_USERS = (
    DemoUser("manager", "Maria Manager", Role.ORDER_MANAGER),
    DemoUser(
        "agent1",
        "Alex Agent",
        Role.FULFILLMENT_AGENT,
        ("field-operations", "logistics", "network-engineering"),
    ),
    DemoUser(
        "agent2",
        "Sam Agent",
        Role.FULFILLMENT_AGENT,
        ("billing", "logistics", "network-engineering", "provisioning"),
    ),
    DemoUser("viewer", "Val Viewer", Role.VIEWER),
    DemoUser("partner", "Partner CRM", Role.INTEGRATOR),
    DemoUser("admin", "Ada Admin", Role.ADMIN),
    # The service account of the workers (`server.py worker`, or a partner's OSS).
    DemoUser("automation", "Automation worker", Role.AUTOMATION, signs_in=False),
)


async def create_demo_users() -> dict[str, User]:
    """Create the demo users (or bring them back to their demo role and name), by username.

    Missing groups are created by name. Group memberships are only ever added, so that a
    membership granted by hand survives a re-seed.
    """
    async with unit_of_work(None):
        names = sorted({name for demo in DEMO_USERS for name in demo.groups})
        groups = {g.name: g for g in await AssignmentGroup.filter(name__in=names)}
        for name in names:
            if name not in groups:
                groups[name] = await AssignmentGroup.create(name=name)
        users: dict[str, User] = {}
        for demo in DEMO_USERS:
            users[demo.username] = user = await _upsert_user(demo)
            current = await group_ids_of(user)
            missing = [groups[name] for name in demo.groups if groups[name].id not in current]
            if missing:
                await user.groups.add(*missing)
    return users


async def _upsert_user(demo: DemoUser) -> User:
    user = await User.get_or_none(username=demo.username)
    if user is None:
        return await User.create(
            username=demo.username, display_name=demo.display_name, roles=[demo.role.value]
        )
    if user.display_name != demo.display_name or user.roles != [demo.role.value]:
        user.display_name = demo.display_name
        user.roles = [demo.role.value]
        await user.save(update_fields=["display_name", "roles"])
    return user
