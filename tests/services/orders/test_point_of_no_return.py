"""Starting a point-of-no-return task passes its line item's point of no return."""

from __future__ import annotations

from models import Event, LineItem, ServiceSpecification, Task, User
from services.orders.catalog_graph import load_catalog_graph
from services.tasks import start_task
from tests.services.orders.plan_work import task_by_code, work
from tests.services.task_plans import agent_for, approved_order


async def test_decomposition_copies_the_mark_of_the_template(users: dict[str, User]) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")

    marked = await Task.filter(
        service_order_id=order.id, is_point_of_no_return=True
    ).prefetch_related("template")

    assert [t.template.code for t in marked if t.template] == ["install_fibre_drop"]


async def test_starting_the_task_sets_the_time_and_writes_the_event(
    users: dict[str, User],
) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")
    await work(order.id, users, "ship_ont", "site_survey")
    task = await task_by_code(order.id, "install_fibre_drop")

    await start_task(await agent_for(task, users), task.id)

    item = await LineItem.get(service_order_id=order.id)
    started = await Task.get(id=task.id)
    assert item.point_of_no_return_reached_at == started.started_at
    event = await Event.get(kind="line_item.point_of_no_return_reached")
    assert (event.entity_id, event.payload["taskId"], event.payload["taskNumber"]) == (
        item.id,
        task.id,
        task.number,
    )


async def test_other_tasks_leave_the_item_before_its_point_of_no_return(
    users: dict[str, User],
) -> None:
    order = await approved_order(users, "FIBRE_BROADBAND")

    await work(order.id, users, "ship_ont", "site_survey", "configure_olt_port")

    item = await LineItem.get(service_order_id=order.id)
    assert item.point_of_no_return_reached_at is None
    assert not await Event.filter(kind="line_item.point_of_no_return_reached").exists()


async def test_the_catalog_graph_carries_marks_and_compensators(users: dict[str, User]) -> None:
    fibre = await ServiceSpecification.get(code="FIBRE_BROADBAND")

    graph = await load_catalog_graph({fibre.id})

    by_code = {t.code: t for t in graph.templates.values()}
    assert by_code["ship_ont"].compensated_by == by_code["recover_ont"].id
    # A compensator is planned for no action: only a cancellation makes its task.
    assert by_code["recover_ont"].actions == frozenset()
    assert by_code["install_fibre_drop"].point_of_no_return
    assert not by_code["site_survey"].point_of_no_return
