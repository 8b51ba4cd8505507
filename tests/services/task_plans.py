"""Task graphs for the task, fallout and rollup tests, and a way to see that nothing changed.

`build_plan` makes an approved, IN_PROGRESS order the way decomposition leaves one (tasks
without predecessors READY, the rest PENDING, counters set), with exactly the line items,
domain orders, tasks and dependencies a test names, so a test reads its graph at a glance.
`approved_order` goes the real way instead: a demo order submitted and approved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models import (
    AssignmentGroup,
    DomainOrder,
    Event,
    FalloutRecord,
    LineItem,
    ServiceOrder,
    ServiceSpecification,
    SoldProduct,
    Task,
    TaskDependency,
    User,
)
from models.enums import (
    LineItemAction,
    ServiceOrderState,
    SpecificationKind,
    TaskKind,
    TaskState,
)
from services.numbering import NumberKind, allocate_number, allocate_numbers
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    submit_service_order,
)
from services.seed.demo_orders import work_ready_tasks
from services.tasks import complete_task, start_task
from services.unit_of_work import unit_of_work
from services.users import group_ids_of

# line item → domain order → task → the tasks it depends on (by name, anywhere in the plan)
PlanShape = Mapping[str, Mapping[str, Mapping[str, Sequence[str]]]]

# Both demo agents work in this group, so either may claim an unassigned task.
SHARED_GROUP = "network-engineering"


@dataclass
class Plan:
    order_id: int
    task_ids: dict[str, int]
    domain_order_ids: dict[str, int]
    line_item_ids: dict[str, int]

    async def task(self, name: str) -> Task:
        return await Task.get(id=self.task_ids[name])

    async def order(self) -> ServiceOrder:
        return await ServiceOrder.get(id=self.order_id)

    async def domain_order(self, name: str) -> DomainOrder:
        return await DomainOrder.get(id=self.domain_order_ids[name])

    async def line_item(self, name: str) -> LineItem:
        return await LineItem.get(id=self.line_item_ids[name])

    async def sold_product(self, line_item: str) -> SoldProduct:
        return await SoldProduct.get(line_item_id=self.line_item_ids[line_item])


async def build_plan(
    submitter: User,
    shape: PlanShape,
    *,
    groups: Mapping[str, str] | None = None,
    actions: Mapping[str, LineItemAction] | None = None,
) -> Plan:
    """An approved order of `shape`; every task is in SHARED_GROUP unless `groups` says."""
    groups = groups or {}
    actions = actions or {}
    async with unit_of_work(None):
        spec = await _any_specification()
        group_ids = {g.name: g.id for g in await AssignmentGroup.all()}
        order = await ServiceOrder.create(
            number=await allocate_number(NumberKind.SERVICE_ORDER),
            customer="ACME Corp",
            submitted_by_id=submitter.id,
            state=ServiceOrderState.IN_PROGRESS,
        )
        plan = Plan(order.id, {}, {}, {})
        depends: dict[str, Sequence[str]] = {}
        for position, (item_name, domain_orders) in enumerate(shape.items()):
            item = await LineItem.create(
                service_order_id=order.id,
                position=position,
                action=actions.get(item_name, LineItemAction.ADD),
                specification_id=spec.id,
            )
            await SoldProduct.create(
                line_item_id=item.id, specification_id=spec.id, customer="ACME"
            )
            plan.line_item_ids[item_name] = item.id
            for do_position, (do_name, tasks) in enumerate(domain_orders.items()):
                domain_order = await DomainOrder.create(
                    number=await allocate_number(NumberKind.DOMAIN_ORDER),
                    service_order_id=order.id,
                    line_item_id=item.id,
                    specification_id=spec.id,
                    kind=SpecificationKind.PRODUCT,
                    position=do_position,
                )
                plan.domain_order_ids[do_name] = domain_order.id
                numbers = await allocate_numbers(NumberKind.TASK, len(tasks))
                for number, (task_name, predecessors) in zip(numbers, tasks.items(), strict=True):
                    task = await Task.create(
                        number=number,
                        name=task_name,
                        domain_order_id=domain_order.id,
                        service_order_id=order.id,
                        assignment_group_id=group_ids[groups.get(task_name, SHARED_GROUP)],
                        state=TaskState.PENDING if predecessors else TaskState.READY,
                    )
                    plan.task_ids[task_name] = task.id
                    depends[task_name] = predecessors
        for task_name, predecessors in depends.items():
            for predecessor in predecessors:
                await TaskDependency.create(
                    task_id=plan.task_ids[task_name], depends_on_id=plan.task_ids[predecessor]
                )
        await _set_counters(order)
    return plan


async def _any_specification() -> ServiceSpecification:
    spec = await ServiceSpecification.filter(kind=SpecificationKind.PRODUCT).first()
    assert spec is not None, "the demo catalog must be installed"
    return spec


async def _set_counters(order: ServiceOrder) -> None:
    for domain_order in await DomainOrder.filter(service_order_id=order.id):
        domain_order.tasks_total = await Task.filter(domain_order_id=domain_order.id).count()
        await domain_order.save()
    for item in await LineItem.filter(service_order_id=order.id):
        item.tasks_total = await Task.filter(domain_order__line_item_id=item.id).count()
        await item.save()
    order.tasks_total = await Task.filter(service_order_id=order.id).count()
    await order.save()


async def put_task(task_id: int, state: TaskState, *, assignee: User | None = None) -> Task:
    """Force a task into `state` (as if earlier operations had taken it there)."""
    task = await Task.get(id=task_id)
    task.state = state
    task.assignee_id = assignee.id if assignee else None
    await task.save()
    return task


Rows = dict[str, list[dict[str, Any]]]


async def snapshot(before: Rows | None = None) -> Rows:
    """Every row a task or fallout operation may touch, to prove a failure changed nothing.

    Events are append-only: given the snapshot `before`, only the events after its last one are
    read (a long run of steps would otherwise read them all again at every step)."""
    seen = before["event"] if before else []
    last_id = seen[-1]["id"] if seen else 0
    return {
        "order": await ServiceOrder.all().order_by("id").values(),
        "line_item": await LineItem.all().order_by("id").values(),
        "sold_product": await SoldProduct.all().order_by("id").values(),
        "domain_order": await DomainOrder.all().order_by("id").values(),
        "task": await Task.all().order_by("id").values(),
        "fallout": await FalloutRecord.all().order_by("id").values(),
        "event": seen + await Event.filter(id__gt=last_id).order_by("id").values(),
    }


async def event_kinds(**filters: Any) -> list[str]:
    return [str(kind) for kind in await Event.filter(**filters).values_list("kind", flat=True)]


async def approved_order(users: dict[str, User], *items: LineItemInput | str) -> ServiceOrder:
    """A demo order submitted by the partner and approved (so decomposed) by the manager."""
    line_items = [LineItemInput(i) if isinstance(i, str) else i for i in items]
    order = await submit_service_order(
        users["partner"], SubmitOrderInput(customer="ACME Corp", line_items=line_items)
    )
    return await approve_service_order(users["manager"], order.id)


async def agent_for(task: Task, users: dict[str, User]) -> User:
    """The task's assignee, or the first demo agent who works in its group."""
    if task.assignee_id is not None:
        return await User.get(id=task.assignee_id)
    for name in ("agent1", "agent2"):
        if task.assignment_group_id in await group_ids_of(users[name]):
            return users[name]
    raise AssertionError(f"no demo agent works in group {task.assignment_group_id}")


async def work_every_task(order_id: int, users: dict[str, User]) -> None:
    """Start and complete READY tasks until none is left: agents the manual ones, a worker
    (the demo seed's way) the automated ones."""
    while ready := await Task.filter(service_order_id=order_id, state=TaskState.READY):
        for task in ready:
            if task.kind is TaskKind.MANUAL:
                agent = await agent_for(task, users)
                await start_task(agent, task.id)
                await complete_task(agent, task.id)
        await work_ready_tasks(users, order_id, rounds=1)


async def work_task(task: Task, users: dict[str, User]) -> None:
    """Start and complete one READY task: an agent of its group a manual one, the automation
    account an automated one (locked as a fetch would, then completed by its worker)."""
    await start_either(task, users)
    await finish_either(task, users)


async def start_either(task: Task, users: dict[str, User]) -> None:
    """Start a READY task: an agent of its group a manual one; an automated one is locked to
    the test worker as a fetch would lock it (tests/services/automation/plans.py WORKER)."""
    if task.kind is TaskKind.AUTOMATED:
        from tests.services.automation.plans import lock_to

        await lock_to(task.id)
        return
    await start_task(await agent_for(task, users), task.id)


async def finish_either(task: Task, users: dict[str, User]) -> None:
    """Complete a task `start_either` started: by its assignee, or by the worker holding it."""
    if task.kind is TaskKind.AUTOMATED:
        from tests.services.automation.plans import complete

        await complete(users, task.id, {"done": True})
        return
    await complete_task(await agent_for(await Task.get(id=task.id), users), task.id)
