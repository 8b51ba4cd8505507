"""The orchestration plan in one query, in a number of statements that does not grow with it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
import pytest

from models import DomainOrder, ServiceOrder, Task, TaskDependency
from models.enums import FalloutType, TaskKind, TaskState
from services.fallouts import create_fallout
from services.orders import LineItemInput
from services.tasks import start_task
from tests.api.graphql import Api, gid, pk_of
from tests.api.mutations.helpers import Users
from tests.services.task_plans import agent_for, approved_order, work_task

PROGRESS = "progress { totalTasks completedTasks percent }"
PLAN = f"""
query Plan($id: ID!) {{
  serviceOrder(id: $id) {{
    number state {PROGRESS} viewerCan {{ approve reject reopen }}
    lineItems {{
      action quantity state characteristics {PROGRESS}
      specification {{ code name kind }}
      soldProduct {{ state specification {{ code }} }}
      rootDomainOrder {{ id children {{ id children {{ id children {{ id }} }} }} }}
      domainOrders {{
        id number kind state {PROGRESS} ownProgress {{ totalTasks completedTasks percent }}
        specification {{ code kind domain }}
        parent {{ id }}
        children {{ id }}
        tasks {{
          id number name state priority
          assignmentGroup {{ name }}
          assignee {{ username }}
          dependsOn {{ id state }}
          dependents {{ id }}
          fallouts {{
            number state type assignee {{ username }} createdBy {{ username }}
            viewerCan {{ reassign resolve }}
          }}
          viewerCan {{ start complete reassign createFallout }}
        }}
      }}
    }}
    fallouts {{ number state task {{ id domainOrder {{ id }} }} viewerCan {{ reassign resolve }} }}
  }}
}}"""


async def worked_order(users: Users, line_items: int) -> ServiceOrder:
    """An approved order of `line_items` mobile lines: a round of tasks done, one fallout."""
    order = await approved_order(users, *[LineItemInput("MOBILE_LINE")] * line_items)
    ready = await Task.filter(service_order_id=order.id, state=TaskState.READY).order_by("id")
    stuck = [task for task in ready if task.kind is TaskKind.MANUAL][-1]
    for task in ready:
        if task is not stuck:
            await work_task(task, users)
    agent = await agent_for(stuck, users)
    await start_task(agent, stuck.id)
    await create_fallout(agent, stuck.id, FalloutType.PROVISIONING_FAILURE, "No signal")
    return order


async def plan(api: Api, order: ServiceOrder, username: str = "manager") -> dict[str, Any]:
    data = await api.data(username, PLAN, {"id": gid("ServiceOrder", order.id)})
    result: dict[str, Any] = data["serviceOrder"]
    return result


async def test_the_plan_shows_every_domain_order_once_in_its_tree(api: Api, users: Users) -> None:
    order = await worked_order(users, 2)
    shown = await plan(api, order)
    for item in shown["lineItems"]:
        flat = {d["id"] for d in item["domainOrders"]}
        tree: list[str] = []
        level = [item["rootDomainOrder"]]
        while level:
            tree += [node["id"] for node in level]
            level = [child for node in level for child in node.get("children", [])]
        assert sorted(tree) == sorted(flat)
        for domain_order in item["domainOrders"]:
            children = {c["id"] for c in domain_order["children"]}
            assert children == {
                d["id"]
                for d in item["domainOrders"]
                if (d["parent"] or {}).get("id") == domain_order["id"]
            }
    assert await DomainOrder.filter(service_order_id=order.id).count() == sum(
        len(item["domainOrders"]) for item in shown["lineItems"]
    )


async def test_the_plan_shows_every_dependency_both_ways(api: Api, users: Users) -> None:
    order = await worked_order(users, 1)
    shown = await plan(api, order)
    tasks = [t for i in shown["lineItems"] for d in i["domainOrders"] for t in d["tasks"]]
    edges = {(pk_of(t["id"]), pk_of(p["id"])) for t in tasks for p in t["dependsOn"]}
    reverse = {(pk_of(d["id"]), pk_of(t["id"])) for t in tasks for d in t["dependents"]}
    stored = set(
        await TaskDependency.filter(task__service_order_id=order.id).values_list(
            "task_id", "depends_on_id"
        )
    )
    assert edges == reverse == stored


async def test_progress_and_states_agree_at_every_level(api: Api, users: Users) -> None:
    order = await worked_order(users, 1)
    shown = await plan(api, order)
    done = await Task.filter(
        service_order_id=order.id, state__in=[TaskState.COMPLETED, TaskState.SKIPPED]
    ).count()
    total = await Task.filter(service_order_id=order.id).count()
    assert shown["progress"] == {
        "totalTasks": total,
        "completedTasks": done,
        "percent": round(100 * done / total, 1),
    }
    [item] = shown["lineItems"]
    assert item["progress"] == shown["progress"]
    root, *_ = item["domainOrders"]
    assert root["parent"] is None
    # A domain order's progress is its subtree's (the root's: the whole item's), ownProgress
    # its own tasks'.
    assert root["progress"] == item["progress"]
    own = [d["ownProgress"] for d in item["domainOrders"]]
    assert sum(p["completedTasks"] for p in own) == done
    assert sum(p["totalTasks"] for p in own) == total
    assert item["soldProduct"] == {"state": "PENDING", "specification": {"code": "MOBILE_LINE"}}


async def test_the_plan_shows_the_fallout_on_its_task(api: Api, users: Users) -> None:
    order = await worked_order(users, 1)
    shown = await plan(api, order)
    [fallout] = shown["fallouts"]
    tasks = {t["id"]: t for i in shown["lineItems"] for d in i["domainOrders"] for t in d["tasks"]}
    stuck = tasks[fallout["task"]["id"]]
    assert stuck["state"] == "ON_HOLD"
    assert [f["number"] for f in stuck["fallouts"]] == [fallout["number"]]


@contextmanager
def counted_statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement asyncpg sends (not the pool's own reset); the patches last as long
    as `monkeypatch` (pass a `monkeypatch.context()` to bound them)."""
    statements: list[str] = []
    for name in ("fetch", "fetchrow", "fetchval", "execute", "executemany"):
        original = getattr(asyncpg.Connection, name)

        async def counting(
            self: asyncpg.Connection, query: str, *args: Any, __original: Any = original, **kw: Any
        ) -> Any:
            if query != self.get_reset_query():
                statements.append(query)
            return await __original(self, query, *args, **kw)

        monkeypatch.setattr(asyncpg.Connection, name, counting)
    yield statements


async def plan_statements(
    api: Api, monkeypatch: pytest.MonkeyPatch, orders: list[ServiceOrder], username: str
) -> list[int]:
    """How many statements the plan of each of `orders` takes, read by `username`."""
    token = await api.token(username)
    counts = []
    for order in orders:
        with monkeypatch.context() as patch, counted_statements(patch) as statements:
            body = await api.post(
                PLAN,
                {"id": gid("ServiceOrder", order.id)},
                headers={"Authorization": f"Bearer {token}"},
            )
        assert "errors" not in body
        assert len(body["data"]["serviceOrder"]["lineItems"]) == len(await order.line_items.all())
        counts.append(len(statements))
    return counts


@pytest.mark.postgres_only
async def test_the_plan_takes_the_same_few_statements_for_1_or_20_line_items(
    api: Api, users: Users, monkeypatch: pytest.MonkeyPatch
) -> None:
    orders = [await worked_order(users, 1), await worked_order(users, 20)]
    counts = await plan_statements(api, monkeypatch, orders, "manager")
    assert counts[0] == counts[1] <= 10, counts


@pytest.mark.postgres_only
async def test_an_agent_s_plan_reads_their_groups_once(
    api: Api, users: Users, monkeypatch: pytest.MonkeyPatch
) -> None:
    orders = [await worked_order(users, 1), await worked_order(users, 20)]
    manager = await plan_statements(api, monkeypatch, orders, "manager")
    agent = await plan_statements(api, monkeypatch, orders, "agent1")
    # Which tasks an agent may start depends on their groups: one statement, whatever the plan.
    assert agent == [count + 1 for count in manager], (manager, agent)
