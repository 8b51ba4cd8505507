"""policy.view_key: users with equal keys get equal answers from the permission rules, so that
a change can be rendered once for all of them."""

from __future__ import annotations

from itertools import combinations

from models import ServiceOrder, Task, User
from models.enums import Role, TaskState
from services.permissions import order_permissions, task_permissions
from services.policy import can_read_order, view_key
from services.tasks import start_task
from services.users import group_ids_of
from tests.services.task_plans import agent_for, approved_order


async def another(username: str, role: Role) -> User:
    return await User.create(username=username, display_name=username, roles=[role.value])


async def test_people_in_a_role_that_never_asks_who_they_are_share_a_view(
    users: dict[str, User],
) -> None:
    second_viewer = await another("viewer2", Role.VIEWER)
    second_manager = await another("manager2", Role.ORDER_MANAGER)

    assert view_key(users["viewer"]) == view_key(second_viewer)
    assert view_key(users["manager"]) == view_key(second_manager)
    assert view_key(users["viewer"]) != view_key(users["manager"])


async def test_agents_and_partners_each_have_a_view_of_their_own(users: dict[str, User]) -> None:
    second_partner = await another("partner2", Role.INTEGRATOR)

    assert view_key(users["agent1"]) != view_key(users["agent2"])
    assert view_key(users["partner"]) != view_key(second_partner)


async def test_equal_views_get_equal_answers_on_every_task_of_an_order(
    users: dict[str, User],
) -> None:
    people = [
        *users.values(),
        await another("viewer2", Role.VIEWER),
        await another("manager2", Role.ORDER_MANAGER),
        await another("admin2", Role.ADMIN),
    ]
    order = await approved_order(users, "MOBILE_LINE")
    ready = await Task.filter(service_order_id=order.id, state=TaskState.READY).first()
    assert ready is not None
    await start_task(await agent_for(ready, users), ready.id)  # one assigned, one not
    orders = await ServiceOrder.all()
    tasks = await Task.filter(service_order_id=order.id)

    async def answers(user: User) -> list[object]:
        groups = await group_ids_of(user)
        return [
            *(can_read_order(user, o) for o in orders),
            *(order_permissions(user, o) for o in orders),
            *(task_permissions(user, t, groups) for t in tasks),
        ]

    for one, other in combinations(people, 2):
        if view_key(one) == view_key(other):
            assert await answers(one) == await answers(other), (one.username, other.username)
