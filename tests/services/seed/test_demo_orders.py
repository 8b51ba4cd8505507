"""The demo seed: orders in every state a visitor should see, made through the services, and
seeding twice changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from models import Event, FalloutRecord, ServiceOrder, SoldProduct, Task
from models.enums import (
    FalloutState,
    JeopardyLevel,
    LineItemAction,
    ServiceOrderState,
    SoldProductState,
    TaskState,
)
from services.seed import seed_demo
from tests.fake_clock import FakeClock
from tests.services.task_plans import snapshot


async def demo_order(external_id: str) -> ServiceOrder:
    return await ServiceOrder.get(external_id=external_id)


async def test_the_seed_makes_one_order_in_each_demo_state(db: str) -> None:
    await seed_demo()
    states = {o.external_id: o.state for o in await ServiceOrder.all()}
    assert states == {
        "DEMO-NEW": ServiceOrderState.NEW,
        "DEMO-REJECTED": ServiceOrderState.REJECTED,
        "DEMO-IN-PROGRESS": ServiceOrderState.IN_PROGRESS,
        "DEMO-FALLOUT": ServiceOrderState.IN_PROGRESS,
        "DEMO-COMPLETED": ServiceOrderState.COMPLETED,
        "DEMO-INSTALLED": ServiceOrderState.COMPLETED,
        "DEMO-MODIFY": ServiceOrderState.NEW,
        "DEMO-DELETE": ServiceOrderState.NEW,
        "DEMO-ON-TIME": ServiceOrderState.IN_PROGRESS,
        "DEMO-AT-RISK": ServiceOrderState.IN_PROGRESS,
        "DEMO-LATE": ServiceOrderState.IN_PROGRESS,
    }


async def test_one_order_is_on_time_one_at_risk_and_one_late_whenever_the_demo_is_seeded(
    db: str, clock: FakeClock
) -> None:
    clock.set(datetime(2031, 2, 28, 23, 30, tzinfo=UTC))
    await seed_demo()
    levels = {
        o.external_id: o.jeopardy
        for o in await ServiceOrder.filter(external_id__startswith="DEMO-")
        if o.requested_completion_date is not None
    }
    assert levels == {
        "DEMO-ON-TIME": JeopardyLevel.NONE,
        "DEMO-AT-RISK": JeopardyLevel.AT_RISK,
        "DEMO-LATE": JeopardyLevel.LATE,
    }


async def test_two_products_are_active_with_a_modify_and_a_delete_waiting_for_approval(
    db: str,
) -> None:
    await seed_demo()
    changes = {
        o.external_id: [(i.action, i.changed_product_id) for i in await o.line_items]
        for o in await ServiceOrder.filter(external_id__in=["DEMO-MODIFY", "DEMO-DELETE"])
    }
    products = {
        p.customer: p
        for p in await SoldProduct.filter(state=SoldProductState.ACTIVE).prefetch_related(
            "specification"
        )
    }
    fibre, bundle = products["Maple Street Pharmacy"], products["Riverside Dental"]
    assert (fibre.specification.code, bundle.specification.code) == (
        "FIBRE_BROADBAND",
        "TV_VOICE_BUNDLE",
    )
    assert changes == {
        "DEMO-MODIFY": [(LineItemAction.MODIFY, fibre.id)],
        "DEMO-DELETE": [(LineItemAction.DELETE, bundle.id)],
    }


async def test_the_order_in_progress_has_some_tasks_done(db: str) -> None:
    await seed_demo()
    order = await demo_order("DEMO-IN-PROGRESS")
    assert 0 < order.tasks_done < order.tasks_total


async def test_one_order_is_held_up_by_an_open_fallout(db: str) -> None:
    await seed_demo()
    order = await demo_order("DEMO-FALLOUT")
    [fallout] = await FalloutRecord.filter(service_order_id=order.id)
    assert fallout.state == FalloutState.OPEN
    assert (await Task.get(id=fallout.task_id)).state == TaskState.ON_HOLD


async def test_the_history_is_real(db: str) -> None:
    await seed_demo()
    order = await demo_order("DEMO-COMPLETED")
    events = await Event.filter(service_order_id=order.id).order_by("id")
    kinds = [event.kind for event in events]
    assert kinds[:2] == ["service_order.submitted", "service_order.approved"]
    assert kinds.count("task.completed") == order.tasks_total == order.tasks_done


async def test_seeding_twice_changes_nothing(db: str) -> None:
    await seed_demo()
    before = await snapshot()
    await seed_demo()
    assert await snapshot() == before
