"""Demo orders in every state a visitor should see, made through the services so that their
history is real: new, rejected, in progress with some tasks done, held up by an open fallout,
and completed; and the installed base: two customers' ACTIVE products (their ADD orders
completed), with a MODIFY and a DELETE order for them waiting for approval.

Each scenario is one order with a fixed external id of the `partner` user; a scenario whose
order exists already is skipped, so seeding twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from models import ServiceOrder, SoldProduct, Task, User
from models.enums import FalloutType, LineItemAction, Priority, TaskKind, TaskState
from services.automation import complete_automated_task, fetch_and_lock_tasks
from services.fallouts import create_fallout
from services.limits import MAX_FETCH_TASKS
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    reject_service_order,
    submit_service_order,
)
from services.seed.due_dates import requested_after_plan
from services.tasks import complete_task, start_task
from services.users import group_ids_of

Users = dict[str, User]
AGENTS = ("agent1", "agent2")
# The worker id the seed's automated work is recorded under.
SEED_WORKER = "demo-seed"


@dataclass(frozen=True)
class Scenario:
    external_id: str
    order: SubmitOrderInput
    # What happens to the order once submitted.
    then: Callable[[Users, ServiceOrder], Awaitable[None]]
    # Requested this long after the end of its plan's longest chain, from the seeding time
    # (due_dates.py); None: no requested completion date.
    due_after_plan: timedelta | None = None
    # The scenario whose product (that of its first line item) the line items change.
    changes: str | None = None


async def create_demo_orders(users: Users) -> list[ServiceOrder]:
    """The demo orders (existing ones included), in scenario order."""
    partner = users["partner"]
    orders = []
    for scenario in SCENARIOS:
        order = await ServiceOrder.get_or_none(
            submitted_by_id=partner.id, external_id=scenario.external_id
        )
        if order is None:
            data = replace(scenario.order, external_id=scenario.external_id)
            if scenario.changes is not None:
                data = await _naming_product_of(partner, scenario.changes, data)
            if scenario.due_after_plan is not None:
                requested = await requested_after_plan(data, scenario.due_after_plan)
                data = replace(data, requested_completion_date=requested)
            order = await submit_service_order(partner, data)
            await scenario.then(users, order)
        orders.append(await ServiceOrder.get(id=order.id))
    return orders


async def _naming_product_of(
    partner: User, external_id: str, data: SubmitOrderInput
) -> SubmitOrderInput:
    bought = await ServiceOrder.get(submitted_by_id=partner.id, external_id=external_id)
    product = await SoldProduct.get(line_item__service_order_id=bought.id)
    items = [replace(item, sold_product_id=product.id) for item in data.line_items]
    return replace(data, line_items=items)


async def _leave_new(users: Users, order: ServiceOrder) -> None:
    return None


async def _reject(users: Users, order: ServiceOrder) -> None:
    await reject_service_order(
        users["manager"], order.id, "The site address is outside our fibre footprint."
    )


async def _approve(users: Users, order: ServiceOrder) -> None:
    await approve_service_order(users["manager"], order.id, "Checked and approved.")


def _approve_and_work(rounds: int | None) -> Callable[[Users, ServiceOrder], Awaitable[None]]:
    async def then(users: Users, order: ServiceOrder) -> None:
        await approve_service_order(users["manager"], order.id, "Checked and approved.")
        await work_ready_tasks(users, order.id, rounds=rounds)

    return then


async def _hold_up_with_fallout(users: Users, order: ServiceOrder) -> None:
    await approve_service_order(users["manager"], order.id)
    await work_ready_tasks(users, order.id, rounds=1)
    task, agent = await _start_one_ready_task(users, order.id)
    await create_fallout(
        agent,
        task.id,
        FalloutType.INVENTORY_ALLOCATION_FAILURE,
        "No stock left in the regional warehouse.",
        Priority.HIGH,
    )


async def work_ready_tasks(users: Users, order_id: int, *, rounds: int | None) -> None:
    """Agents start and complete every READY manual task, and the automation account fetches
    and completes every READY automated one (as a worker would), `rounds` times (None: until
    none is left)."""
    done = 0
    while rounds is None or done < rounds:
        ready = await Task.filter(service_order_id=order_id, state=TaskState.READY)
        if not ready:
            return
        for task in ready:
            if task.kind is TaskKind.MANUAL:
                agent = await _agent_for(users, task)
                await start_task(agent, task.id)
                await complete_task(agent, task.id, "Done.")
        handlers = sorted({task.handler for task in ready if task.handler is not None})
        if handlers:
            for locked in await fetch_and_lock_tasks(
                users["automation"],
                worker_id=SEED_WORKER,
                handlers=handlers,
                max_tasks=MAX_FETCH_TASKS,
                lock_seconds=60,
                service_order_id=order_id,
            ):
                await complete_automated_task(
                    users["automation"],
                    task_id=locked.task.id,
                    worker_id=SEED_WORKER,
                    output={"seeded": True},
                )
        done += 1


async def _start_one_ready_task(users: Users, order_id: int) -> tuple[Task, User]:
    task = await Task.filter(
        service_order_id=order_id, state=TaskState.READY, kind=TaskKind.MANUAL
    ).first()
    if task is None:
        raise LookupError(f"Order {order_id} has no READY task to report fallout on.")
    agent = await _agent_for(users, task)
    return await start_task(agent, task.id), agent


async def _agent_for(users: Users, task: Task) -> User:
    for username in AGENTS:
        if task.assignment_group_id in await group_ids_of(users[username]):
            return users[username]
    raise LookupError(f"No demo agent works in the group of task {task.number}.")


def _order(
    customer: str, *items: LineItemInput, priority: Priority = Priority.NORMAL
) -> SubmitOrderInput:
    return SubmitOrderInput(customer=customer, line_items=items, priority=priority)


SCENARIOS = (
    Scenario(
        "DEMO-NEW",
        _order(
            "Acme Bakery",
            LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "DUAL_STACK"}),
        ),
        _leave_new,
    ),
    Scenario(
        "DEMO-REJECTED",
        _order(
            "Harbour Cafe", LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "IPV4"})
        ),
        _reject,
    ),
    Scenario(
        "DEMO-IN-PROGRESS",
        _order(
            "Northwind Logistics",
            LineItemInput("BUSINESS_SDWAN"),
            LineItemInput("MOBILE_LINE", quantity=2),
            priority=Priority.HIGH,
        ),
        _approve_and_work(rounds=1),
    ),
    Scenario(
        "DEMO-FALLOUT",
        _order("Jane Doe", LineItemInput("MOBILE_LINE")),
        _hold_up_with_fallout,
    ),
    Scenario(
        "DEMO-COMPLETED",
        _order(
            "Riverside Dental",
            LineItemInput("TV_VOICE_BUNDLE", characteristics={"channelPackage": "BASIC"}),
        ),
        _approve_and_work(rounds=None),
    ),
    # Jeopardy (services/schedule/jeopardy.py): requested days after the plan can end, a few
    # hours after it (under the day's at-risk margin), and before it.
    Scenario(
        "DEMO-ON-TIME",
        _order(
            "Bluebird Florists",
            LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "IPV4"}),
        ),
        _approve_and_work(rounds=1),
        due_after_plan=timedelta(days=5),
    ),
    Scenario(
        "DEMO-AT-RISK",
        _order("Cedar & Lane Solicitors", LineItemInput("BUSINESS_SDWAN")),
        _approve,
        due_after_plan=timedelta(hours=6),
    ),
    Scenario(
        "DEMO-LATE",
        _order(
            "Summit Climbing Gym",
            LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "DUAL_STACK"}),
            priority=Priority.HIGH,
        ),
        _approve,
        due_after_plan=timedelta(hours=-6),
    ),
    # The installed base: Riverside Dental's bundle (above) and Maple Street Pharmacy's fibre
    # are ACTIVE; an upgrade of the fibre and the disconnection of the bundle await approval.
    Scenario(
        "DEMO-INSTALLED",
        _order(
            "Maple Street Pharmacy",
            LineItemInput(
                "FIBRE_BROADBAND", characteristics={"ipVersion": "DUAL_STACK", "bandwidth": "500M"}
            ),
        ),
        _approve_and_work(rounds=None),
    ),
    Scenario(
        "DEMO-MODIFY",
        _order(
            "Maple Street Pharmacy",
            LineItemInput(
                "FIBRE_BROADBAND",
                action=LineItemAction.MODIFY,
                characteristics={"ipVersion": "DUAL_STACK", "bandwidth": "1G"},
            ),
        ),
        _leave_new,
        changes="DEMO-INSTALLED",
    ),
    Scenario(
        "DEMO-DELETE",
        _order("Riverside Dental", LineItemInput("TV_VOICE_BUNDLE", action=LineItemAction.DELETE)),
        _leave_new,
        changes="DEMO-COMPLETED",
    ),
)
