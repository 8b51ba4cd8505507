"""The data every benchmark reads: plans of a known size, made through the real services.

`BENCH_PLAN` decomposes into 4 domain orders of 8 tasks (bench/catalog.yaml), so 25 line items
make the 800-task plan of the targets; `BENCH_SMALL` is one domain order of 8 tasks, so 5 line
items make the 40-task plan. Part of each plan is worked (a quarter of the ready tasks done)
and some tasks carry fallout, so that every level of the plan query has rows to return.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models import AssignmentGroup, ServiceOrder, Task, User
from models.enums import FalloutType, Role, TaskState
from services.catalog import install_catalog, load_catalog
from services.fallouts import create_fallout
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    submit_service_order,
)
from services.tasks import complete_task, start_task

BENCH_CATALOG_PATH = Path(__file__).with_name("catalog.yaml")


@dataclass(frozen=True)
class BenchPeople:
    manager: User
    agent: User
    partner: User
    viewer: User


async def install_bench_catalog() -> BenchPeople:
    """Install the bench catalog and one user per role the benchmarks act as."""
    document = load_catalog(BENCH_CATALOG_PATH)
    await install_catalog(document)
    manager, _ = await User.get_or_create(
        username="bench-manager",
        defaults={"display_name": "Bench Manager", "roles": [Role.ORDER_MANAGER.value]},
    )
    agent, created = await User.get_or_create(
        username="bench-agent",
        defaults={"display_name": "Bench Agent", "roles": [Role.FULFILLMENT_AGENT.value]},
    )
    if created:
        names = [group.name for group in document.assignment_groups]
        await agent.groups.add(*await AssignmentGroup.filter(name__in=names))
    partner, _ = await User.get_or_create(
        username="bench-partner",
        defaults={"display_name": "Bench Partner", "roles": [Role.INTEGRATOR.value]},
    )
    viewer, _ = await User.get_or_create(
        username="bench-viewer",
        defaults={"display_name": "Bench Viewer", "roles": [Role.VIEWER.value]},
    )
    return BenchPeople(manager=manager, agent=agent, partner=partner, viewer=viewer)


async def submit_order(people: BenchPeople, product: str, line_items: int) -> ServiceOrder:
    """A NEW order of `line_items` x `product`, submitted by the bench partner."""
    return await submit_service_order(
        people.partner,
        SubmitOrderInput(
            customer="Bench Customer",
            line_items=[LineItemInput(specification_code=product) for _ in range(line_items)],
        ),
    )


async def create_plan(
    people: BenchPeople,
    *,
    product: str,
    line_items: int,
    completed_share: float = 0.25,
    fallouts: int = 3,
) -> ServiceOrder:
    """An approved order of `line_items` x `product`, partly worked, with some fallout."""
    order = await submit_order(people, product, line_items)
    await approve_service_order(people.manager, order.id)
    ready = await Task.filter(service_order_id=order.id, state=TaskState.READY).order_by("id")
    to_complete = ready[: max(1, int(len(ready) * completed_share))]
    for task in to_complete:
        await start_task(people.agent, task.id)
        await complete_task(people.agent, task.id, "done by the benchmark")
    held = await Task.filter(service_order_id=order.id, state=TaskState.READY).order_by("-id")
    for task in held[:fallouts]:
        await create_fallout(
            people.manager, task.id, FalloutType.OTHER, "Benchmark fallout on this task"
        )
    return await ServiceOrder.get(id=order.id)


async def ready_tasks(order: ServiceOrder) -> list[Task]:
    return await Task.filter(service_order_id=order.id, state=TaskState.READY).order_by("id")


async def create_started_tasks(people: BenchPeople, *, product: str, line_items: int) -> list[Task]:
    """An approved order whose READY tasks the bench agent has all started: each one is ready
    to be completed."""
    order = await submit_order(people, product, line_items)
    await approve_service_order(people.manager, order.id)
    return [await start_task(people.agent, task.id) for task in await ready_tasks(order)]
