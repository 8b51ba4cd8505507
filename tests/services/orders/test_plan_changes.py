"""Writing a PlanChanges: cancelling an item's plan with compensation, and re-planning one
(the revision's use), through `write_plan_changes` and the rollup."""

from __future__ import annotations

from models import DomainOrder, Event, FalloutRecord, LineItem, ServiceOrder, Task, User
from models.enums import FalloutState, FalloutType, FulfillmentState, TaskState
from services.fallouts import create_fallout
from services.locking import lock_order
from services.orders.catalog_graph import load_catalog_graph
from services.orders.plan_changes import load_persisted_plan, write_plan_changes
from services.orders.planning import plan_line_item
from services.orders.replanning import plan_cancellation, replan
from services.orders.submit import LineItemInput
from services.rollup import roll_up
from services.tasks import complete_task, start_task
from services.unit_of_work import unit_of_work
from tests.services.orders.plan_work import task_by_code, work
from tests.services.task_plans import agent_for, approved_order


async def cancel_item(order: ServiceOrder, actor: User) -> None:
    async with unit_of_work(actor) as uow:
        locked = await lock_order(order.id)
        item = await LineItem.get(service_order_id=order.id)
        catalog = await load_catalog_graph({item.specification_id})
        changes = plan_cancellation(catalog, await load_persisted_plan(item))
        written = await write_plan_changes(uow, locked, item, changes, reason="Customer moved")
        item.cancelled_at = uow.started_at
        await item.save(update_fields=["cancelled_at"])
        await roll_up(uow, locked, written.domain_order_ids)


async def revise_item(order: ServiceOrder, actor: User, characteristics: dict[str, str]) -> None:
    async with unit_of_work(actor) as uow:
        locked = await lock_order(order.id)
        item = await LineItem.get(service_order_id=order.id)
        catalog = await load_catalog_graph({item.specification_id})
        new = plan_line_item(catalog, item.specification_id, characteristics)
        changes = replan(catalog, await load_persisted_plan(item), new)
        written = await write_plan_changes(uow, locked, item, changes, new, reason="Revised")
        await roll_up(uow, locked, written.domain_order_ids)


async def predecessors(task: Task) -> list[int]:
    return [link.depends_on_id for link in await task.predecessor_links.all().order_by("id")]


async def states_by_code(order_id: int) -> dict[str, str]:
    tasks = await Task.filter(service_order_id=order_id).prefetch_related("template")
    return {
        ("undo " if t.compensates_id else "") + (t.template.code if t.template else "?"): t.state
        for t in tasks
    }


async def test_cancelling_undoes_the_completed_work_in_reverse_order(
    users: dict[str, User],
) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    # The ONT is shipped before the OLT port is configured (a child's work comes first).
    await work(order.id, users, "ship_ont", "allocate_ipv6_prefix", "configure_olt_port")

    await cancel_item(order, users["manager"])

    assert await states_by_code(order.id) == {
        "ship_ont": TaskState.COMPLETED,
        "allocate_ipv6_prefix": TaskState.COMPLETED,
        "configure_olt_port": TaskState.COMPLETED,
        "site_survey": TaskState.CANCELLED,
        "install_fibre_drop": TaskState.CANCELLED,
        "activate_internet": TaskState.CANCELLED,
        "start_billing": TaskState.CANCELLED,
        "undo release_olt_port": TaskState.READY,
        "undo release_ipv6_prefix": TaskState.READY,
        "undo recover_ont": TaskState.PENDING,
    }
    recover = await task_by_code(order.id, "recover_ont", compensating=True)
    release = await task_by_code(order.id, "release_olt_port", compensating=True)
    assert await predecessors(recover) == [release.id]
    item = await LineItem.get(service_order_id=order.id)
    assert (item.state, item.tasks_total, item.tasks_done) == (FulfillmentState.CANCELLING, 6, 3)


async def test_the_item_is_cancelled_when_its_compensation_is_done(
    users: dict[str, User],
) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    await work(order.id, users, "ship_ont", "configure_olt_port")
    await cancel_item(order, users["manager"])

    for code in ("release_olt_port", "recover_ont"):
        task = await task_by_code(order.id, code, compensating=True)
        agent = await agent_for(task, users)
        await start_task(agent, task.id)
        await complete_task(agent, task.id)

    item = await LineItem.get(service_order_id=order.id).prefetch_related("sold_product")
    assert item.state is FulfillmentState.CANCELLED
    assert item.sold_product.state == "CANCELLED"
    assert (await ServiceOrder.get(id=order.id)).state == "CANCELLED"


async def test_an_item_with_nothing_to_undo_is_cancelled_at_once(users: dict[str, User]) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")

    await cancel_item(order, users["manager"])

    item = await LineItem.get(service_order_id=order.id)
    domain_orders = await DomainOrder.filter(line_item_id=item.id)
    assert item.state is FulfillmentState.CANCELLED
    assert {d.state for d in domain_orders} == {FulfillmentState.CANCELLED}
    assert (await ServiceOrder.get(id=order.id)).state == "CANCELLED"


async def test_a_cancelled_task_tells_its_assignee_and_cancels_its_fallout(
    users: dict[str, User],
) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    ship = await task_by_code(order.id, "ship_ont")
    agent = await agent_for(ship, users)
    await start_task(agent, ship.id)
    fallout = await create_fallout(agent, ship.id, FalloutType.OTHER, "Out of stock")

    await cancel_item(order, users["manager"])

    event = await Event.get(kind="task.cancelled", entity_id=ship.id)
    assert (event.payload["assigneeId"], event.payload["reason"]) == (agent.id, "Customer moved")
    assert (await FalloutRecord.get(id=fallout.id)).state is FalloutState.CANCELLED
    assert await Event.filter(kind="fallout.cancelled", entity_id=fallout.id).exists()


async def test_a_revision_keeps_the_kept_tasks_and_undoes_the_dropped_ones(
    users: dict[str, User],
) -> None:
    fibre = LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "DUAL"})
    order = await approved_order(users, fibre)
    await work(order.id, users, "ship_ont", "allocate_ipv6_prefix")
    kept = {t.id for t in await Task.filter(service_order_id=order.id)}

    await revise_item(order, users["manager"], {"ipVersion": "IPV4"})

    states = await states_by_code(order.id)
    assert states["allocate_ipv6_prefix"] == TaskState.COMPLETED
    assert states["undo release_ipv6_prefix"] == TaskState.READY
    assert states["site_survey"] == TaskState.READY  # kept, as it was
    assert {t.id for t in await Task.filter(service_order_id=order.id)} - kept == {
        (await task_by_code(order.id, "release_ipv6_prefix", compensating=True)).id
    }
    prefix = await DomainOrder.get(service_order_id=order.id, specification__code="IPV6_PREFIX_RFS")
    assert (prefix.cancelled_at is not None, prefix.state) == (True, FulfillmentState.CANCELLING)


async def test_a_revision_creates_the_new_domain_order_and_its_ready_task(
    users: dict[str, User],
) -> None:
    fibre = LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "IPV4"})
    order = await approved_order(users, fibre)

    await revise_item(order, users["manager"], {"ipVersion": "DUAL"})

    prefix = await DomainOrder.get(service_order_id=order.id, specification__code="IPV6_PREFIX_RFS")
    task = await task_by_code(order.id, "allocate_ipv6_prefix")
    activate = await task_by_code(order.id, "activate_internet")
    assert (task.domain_order_id, task.state) == (prefix.id, TaskState.READY)
    assert task.id in await predecessors(activate)
    assert await Event.filter(kind="task.created", entity_id=task.id).exists()
    assert (await ServiceOrder.get(id=order.id)).tasks_total == 7
