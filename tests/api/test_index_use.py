"""The hot statements find their rows through indexes: with tens of thousands of tasks across
many orders, ANALYZEd, PostgreSQL's own plan for every statement that startTask, completeTask,
approval, fallout and its resolution, cancellation, the READY list of a group, the other
lists, an order's history, a worker's fetch and answer, the lock sweeper's pass and the plan
query send (the documents of the data-volume benchmark, mostly the UI's) reads none of the
large tables from end to end.

The data are copies of a block of orders made through the services (bench/volume_data.py);
the planner is left to choose (no setting is changed), so that a lost index shows as the
sequential scan PostgreSQL would really run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette

from bench.plan_data import install_bench_catalog
from bench.plan_query import PLAN_QUERY
from bench.query_plans import SequentialScan, sequential_scans
from bench.statements import captured_statements
from bench.volume import (
    APPROVE,
    COMPLETE,
    CREATE_FALLOUT,
    FALLOUTS,
    HISTORY,
    ORDERS,
    RESOLVE_FALLOUT,
    START,
    TASKS,
)
from bench.volume_data import Recipe, copy_block, make_block, vacuum_analyze
from models import AssignmentGroup, FalloutRecord, ServiceOrder, Task, User
from models.enums import Role, ServiceOrderState, TaskKind, TaskState
from services.automation.expiry import expire_locks
from services.settings import Settings
from tests.api.graphql import Api, gid, pk_of
from tests.conftest import empty_all_tables

LARGE_TABLES = ("task", "task_dependency", "domain_order", "line_item", "event", "sold_product")
# The installed base: a customer's products, those in one state, and the orders that change
# something.
SOLD_PRODUCTS = """
query SoldProducts($filter: SoldProductFilter) {
  soldProducts(filter: $filter, first: 20) {
    totalCount edges { node { id number state characteristics specification { code } } }
  }
}"""
ORDERS_BY_ACTION = """
query OrdersByAction { serviceOrders(filter: {action: MODIFY}, first: 20) {
  totalCount edges { node { id number } } } }"""
BLOCK = Recipe(completed_small=3, completed_plan=1, in_progress=1, new=1, small_line_items=2)
COPIES = 200  # about 24,000 tasks, 3,000 line items and domain orders, 90,000 events


class Volume:
    def __init__(self, api: Api, in_progress_orders: list[int]) -> None:
        self.api = api
        self.in_progress_orders = in_progress_orders

    async def scans_of(
        self, username: str, query: str, variables: dict[str, Any]
    ) -> list[SequentialScan]:
        """The sequential scans of large tables in the statements one request sends."""
        token = await self.api.token(username)
        with captured_statements() as statements:
            body = await self.api.post(
                query, variables, headers={"Authorization": f"Bearer {token}"}
            )
        assert "errors" not in body, body
        assert all(not v.get("userErrors") for v in body["data"].values() if v), body
        assert len(statements) > 0
        return await sequential_scans(statements, LARGE_TABLES)

    async def ready_task(self) -> int:
        task = await Task.filter(
            service_order_id=self.in_progress_orders[-1], state=TaskState.READY
        ).first()
        assert task is not None
        return task.id


@pytest_asyncio.fixture(scope="module")
async def volume(database: str, app: Starlette, settings: Settings) -> AsyncIterator[Volume]:
    """Tens of thousands of tasks in hundreds of orders, every table analysed: made once for
    the module's tests (each reads it, or changes one task)."""
    await empty_all_tables(database)
    people = await install_bench_catalog()
    block = await make_block(people, BLOCK)
    copies = await copy_block(block, COPIES)
    await vacuum_analyze()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield Volume(
            Api(client, settings), [orders[block.in_progress_position] for orders in copies]
        )


@pytest.mark.postgres_only
async def test_starting_and_completing_a_task_scan_no_large_table(volume: Volume) -> None:
    task = gid("Task", await volume.ready_task())

    started = await volume.scans_of("bench-agent", START, {"input": {"taskId": task}})
    completed = await volume.scans_of("bench-agent", COMPLETE, {"input": {"taskId": task}})

    assert started == []
    assert completed == []


@pytest.mark.postgres_only
async def test_a_group_s_ready_list_scans_no_large_table(volume: Volume) -> None:
    group = await AssignmentGroup.get(name="bench-network")

    queue = {"state": "READY", "group": gid("AssignmentGroup", group.id)}

    scans = await volume.scans_of("bench-agent", TASKS, {"filter": queue})

    assert scans == []


@pytest.mark.postgres_only
async def test_the_plan_query_scans_no_large_table(volume: Volume) -> None:
    order = gid("ServiceOrder", volume.in_progress_orders[len(volume.in_progress_orders) // 2])

    scans = await volume.scans_of("bench-manager", PLAN_QUERY, {"id": order})

    assert scans == []


@pytest.mark.postgres_only
async def test_approving_an_order_scans_no_large_table(volume: Volume) -> None:
    new = await ServiceOrder.filter(state=ServiceOrderState.NEW).order_by("-id").first()
    assert new is not None

    scans = await volume.scans_of(
        "bench-manager", APPROVE, {"input": {"serviceOrderId": gid("ServiceOrder", new.id)}}
    )

    assert scans == []


@pytest.mark.postgres_only
async def test_reporting_and_resolving_fallout_scan_no_large_table(volume: Volume) -> None:
    task = gid("Task", await volume.ready_task())
    report = {"taskId": task, "type": "OTHER", "description": "Stuck", "priority": "NORMAL"}

    created = await volume.scans_of("bench-manager", CREATE_FALLOUT, {"input": report})
    fallout = await FalloutRecord.filter(task_id=pk_of(task)).get()
    resolution = {
        "falloutId": gid("FalloutRecord", fallout.id),
        "action": "RETRY_TASK",
        "note": "Go",
    }
    resolved = await volume.scans_of("bench-manager", RESOLVE_FALLOUT, {"input": resolution})

    assert created == []
    assert resolved == []


CANCEL = """mutation($input: CancelServiceOrderInput!) {
  cancelServiceOrder(input: $input) { serviceOrder { state } userErrors { code message } }
}"""


@pytest.mark.postgres_only
async def test_cancelling_an_order_in_progress_scans_no_large_table(volume: Volume) -> None:
    # The first copy's order: the other tests work the last one and the middle one.
    order = gid("ServiceOrder", volume.in_progress_orders[0])

    scans = await volume.scans_of(
        "bench-manager", CANCEL, {"input": {"serviceOrderId": order, "reason": "Withdrawn"}}
    )

    assert scans == []


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("username", "query", "variables"),
    [
        ("bench-agent", TASKS, {"filter": {"assignee": "me"}}),
        ("bench-manager", FALLOUTS, {"filter": {"state": "OPEN"}}),
        ("bench-manager", ORDERS, {}),
        # (Every bench order is Bench Customer's, submitted by bench-partner: a filter on
        # either matches every row, and reading the table is then the right plan.)
        ("bench-manager", SOLD_PRODUCTS, {"filter": {"customer": "Another Customer"}}),
        ("bench-manager", SOLD_PRODUCTS, {"filter": {"state": "TERMINATED"}}),
        ("bench-manager", ORDERS_BY_ACTION, {}),
        ("bench-manager", ORDERS, {"filter": {"jeopardyAtLeast": "LATE"}}),
        ("bench-manager", TASKS, {"filter": {"overdue": True}}),
    ],
    ids=[
        "my tasks",
        "open fallouts",
        "orders with totalCount",
        "a customer's products",
        "terminated products",
        "orders by action",
        "late orders, most late first",
        "overdue tasks, most late first",
    ],
)
async def test_the_lists_scan_no_large_table(
    volume: Volume, username: str, query: str, variables: dict[str, Any]
) -> None:
    scans = await volume.scans_of(username, query, variables)

    assert scans == []


@pytest.mark.postgres_only
async def test_an_order_s_history_scans_no_large_table(volume: Volume) -> None:
    order = gid("ServiceOrder", volume.in_progress_orders[0])

    scans = await volume.scans_of("bench-manager", HISTORY, {"id": order})

    assert scans == []


FETCH = """mutation($input: FetchAndLockTasksInput!) { fetchAndLockTasks(input: $input) {
  tasks { task { id } context } userErrors { code message field } } }"""
COMPLETE_AUTOMATED = """mutation($input: CompleteAutomatedTaskInput!) {
  completeAutomatedTask(input: $input) { task { id state } userErrors { code message } } }"""


@pytest.mark.postgres_only
async def test_a_worker_s_fetch_and_answer_and_the_lock_sweeper_scan_no_large_table(
    volume: Volume,
) -> None:
    # some READY tasks of the orders in progress are automated, for a worker's handler
    ready = await Task.filter(
        service_order_id__in=volume.in_progress_orders, state=TaskState.READY
    ).limit(20)
    await Task.filter(id__in=[task.id for task in ready]).update(
        kind=TaskKind.AUTOMATED, handler="bench.provision", max_attempts=3
    )
    await User.get_or_create(
        username="bench-automation",
        defaults={"display_name": "Bench Worker", "roles": [Role.AUTOMATION.value]},
    )
    fetch = {"workerId": "w1", "handlers": ["bench.provision"], "maxTasks": 5, "lockSeconds": 60}

    fetched = await volume.scans_of("bench-automation", FETCH, {"input": fetch})
    locked = await Task.filter(locked_by="w1").first()
    assert locked is not None
    answer = {"taskId": gid("Task", locked.id), "workerId": "w1", "output": {"ok": True}}
    completed = await volume.scans_of("bench-automation", COMPLETE_AUTOMATED, {"input": answer})
    with captured_statements() as statements:
        await expire_locks()
    swept = await sequential_scans(statements, LARGE_TABLES)

    assert (fetched, completed, swept) == ([], [], [])
