"""The hot statements find their rows through indexes: with tens of thousands of tasks across
many orders, ANALYZEd, PostgreSQL's own plan for every statement that startTask, completeTask,
approval, fallout and its resolution, cancellation, a partner's MODIFY of a product and its
approval, the READY list of a group, the other lists, an order's history, a worker's fetch
and answer, the lock sweeper's pass and the plan query send (the documents of the
data-volume benchmark, mostly the UI's) reads none of the large tables from end to end.

The data are copies of a block of orders made through the services (bench/volume_data.py),
their customers spread so that one customer owns a third of the products; the planner is
left to choose (no setting is changed), so that a lost index shows as the sequential scan
PostgreSQL would really run. A page of that customer's products (a manager's, or the
partner's that ordered them) and a product's history for the partner read as many rows when
the table doubles; on SQLite the list's statements search the customer index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from tortoise.expressions import Subquery

from bench.plan_data import install_bench_catalog
from bench.plan_query import PLAN_QUERY
from bench.query_plans import SequentialScan, rows_read, sequential_scans, sqlite_query_plan
from bench.statements import Statement, captured_statements
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
from bench.volume_data import Block, Recipe, copy_block, make_block, vacuum_analyze
from models import (
    AssignmentGroup,
    FalloutRecord,
    LineItem,
    ServiceOrder,
    ServiceSpecification,
    SoldProduct,
    Task,
    User,
)
from models.enums import (
    FulfillmentState,
    LineItemAction,
    Role,
    ServiceOrderState,
    SoldProductState,
    TaskKind,
    TaskState,
)
from services import clock
from services.automation.expiry import expire_locks
from services.schedule.sweeper import sweep_jeopardy
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
# Bench Customer keeps every third copy; the others go to these many other customers, so that
# Bench Customer owns many products (a third of them) and they lie among other customers'.
OTHER_CUSTOMERS = 60


async def spread_customers(copies: list[list[int]], *, first: int) -> None:
    """Give the copies (numbered from `first`) their customers: orders and their products."""
    orders_of: dict[str, list[int]] = defaultdict(list)
    for number, orders in enumerate(copies, start=first):
        if number % 3:
            orders_of[f"Customer {number % OTHER_CUSTOMERS:02d}"].extend(orders)
    for customer, orders in orders_of.items():
        await ServiceOrder.filter(id__in=orders).update(customer=customer)
        items = LineItem.filter(service_order_id__in=orders).values("id")
        await SoldProduct.filter(line_item_id__in=Subquery(items)).update(customer=customer)


class Volume:
    def __init__(self, api: Api, in_progress_orders: list[int], block: Block, copies: int) -> None:
        self.api = api
        self.in_progress_orders = in_progress_orders
        self.block = block
        self.copies = copies

    async def grow(self, copies: int) -> None:
        """`copies` more copies of the block, their customers spread as the first ones'."""
        await spread_customers(await copy_block(self.block, copies), first=self.copies)
        self.copies += copies
        await vacuum_analyze()

    async def statements_of(
        self, username: str, query: str, variables: dict[str, Any]
    ) -> list[Statement]:
        token = await self.api.token(username)
        with captured_statements() as statements:
            body = await self.api.post(
                query, variables, headers={"Authorization": f"Bearer {token}"}
            )
        assert "errors" not in body, body
        return statements

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
    await spread_customers(copies, first=0)
    await vacuum_analyze()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield Volume(
            Api(client, settings),
            [orders[block.in_progress_position] for orders in copies],
            block,
            len(copies),
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
        # (Every bench order is submitted by bench-partner: a filter on it matches every row,
        # and reading the table is then the right plan.)
        ("bench-manager", SOLD_PRODUCTS, {"filter": {"customer": "Another Customer"}}),
        ("bench-manager", SOLD_PRODUCTS, {"filter": {"customer": "Bench Customer"}}),
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
        "a customer's many products",
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


@pytest.mark.postgres_only
async def test_the_jeopardy_sweeper_s_pass_scans_no_large_table(volume: Volume) -> None:
    # given one order in progress whose next jeopardy check has come (the others' have not, or
    # they have none)
    due = volume.in_progress_orders[len(volume.in_progress_orders) // 2]
    await ServiceOrder.filter(id=due).update(next_jeopardy_check_at=clock.now())

    # when the sweeper passes
    with captured_statements() as statements:
        await sweep_jeopardy()

    # then it found the order by the index of its work list, and read and wrote its schedule
    # by the order's own rows, the orders table included
    assert (await ServiceOrder.get(id=due)).scheduled_at is not None
    assert any("next_jeopardy_check_at" in statement.sql for statement in statements)
    assert await sequential_scans(statements, (*LARGE_TABLES, "service_order")) == []


SUBMIT_CHANGE = """mutation($input: SubmitServiceOrderInput!) {
  submitServiceOrder(input: $input) { serviceOrder { id } userErrors { code message } }
}"""


@pytest.mark.postgres_only
async def test_submitting_and_approving_a_modify_of_a_product_scan_no_large_table(
    volume: Volume,
) -> None:
    # given an ACTIVE product of Bench Customer's, which the bench partner ordered
    product = (
        await SoldProduct.filter(state=SoldProductState.ACTIVE, customer="Bench Customer")
        .order_by("id")
        .first()
    )
    assert product is not None
    change = {
        "specificationCode": "BENCH_SMALL",
        "action": "MODIFY",
        "soldProductId": gid("SoldProduct", product.id),
        "characteristics": {"label": "Changed"},
    }
    values = {"customer": "Bench Customer", "lineItems": [change]}

    # when the partner submits a MODIFY of it and a manager approves that
    submitted = await volume.scans_of("bench-partner", SUBMIT_CHANGE, {"input": values})
    order = await ServiceOrder.filter(line_items__changed_product_id=product.id).get()
    approved = await volume.scans_of(
        "bench-manager", APPROVE, {"input": {"serviceOrderId": gid("ServiceOrder", order.id)}}
    )

    # then neither reads a large table from end to end (the bench catalog has no MODIFY
    # work: the change is done at approval, and the product has its new characteristics)
    assert (submitted, approved) == ([], [])
    assert (await SoldProduct.get(id=product.id)).characteristics == {"label": "Changed"}


HISTORY_OF_PRODUCT = """
query ProductHistory($id: ID!) {
  node(id: $id) { ... on SoldProduct { history { edges { node { kind } } } } }
}"""


@pytest.mark.postgres_only
async def test_a_customer_s_many_products_and_a_history_read_no_more_rows_as_the_table_grows(
    volume: Volume,
) -> None:
    # given Bench Customer, owner of a third of the products, among 60 other customers; the
    # bench partner ordered every one of them (a partner reads the products of its orders)
    mine = {"filter": {"customer": "Bench Customer"}}
    product = await SoldProduct.filter(state=SoldProductState.ACTIVE).order_by("-id").first()
    assert product is not None
    history = {"id": gid("SoldProduct", product.id)}
    reads: dict[str, tuple[str, str, dict[str, Any], str]] = {
        # A page of the list (the count reads the customer's index entries, at most
        # EXACT_COUNT_LIMIT of them, joined to their orders for a partner; counting.py).
        "a manager's page": ("bench-manager", SOLD_PRODUCTS, mine, 'ORDER BY "sold_product"."id"'),
        "a partner's page": ("bench-partner", SOLD_PRODUCTS, mine, 'ORDER BY "sold_product"."id"'),
        "a partner's history": ("bench-partner", HISTORY_OF_PRODUCT, history, 'FROM "event"'),
    }

    async def rows_read_by(name: str) -> tuple[int, list[Statement]]:
        """The rows the statement of `name` reads from the tables it may join, and all the
        statements its request sent."""
        username, query, variables, marked = reads[name]
        statements = await volume.statements_of(username, query, variables)
        [statement] = [s for s in statements if marked in s.sql]
        tables = ("sold_product", "line_item", "service_order", "event")
        return sum([await rows_read(statement, table) for table in tables]), statements

    # A page starts at the newest rows, so before and after must have them alike, whichever
    # index PostgreSQL's statistics make it walk ((customer, id), or the primary key
    # backwards, filtering): what the module's other tests added (it differs with the tests
    # a worker ran first) goes under copies of the block, the newest of them Bench
    # Customer's (every third copy is), and growing by whole threes keeps that pattern.
    await volume.grow((1 - volume.copies) % 3 or 3)
    before = {name: (await rows_read_by(name))[0] for name in reads}

    # when the installed base doubles (as many more copies, customers spread the same way)
    await volume.grow(3 * ((volume.copies + 2) // 3))
    after = {name: await rows_read_by(name) for name in reads}

    # then each reads no more than before, and a manager's statements read no table whole
    for name in reads:
        assert 0 < after[name][0] <= before[name], (name, before[name], after[name][0])
    assert await sequential_scans(after["a manager's page"][1], ["sold_product"]) == []


# SQLite: the embedded single-process default. Its planner reads no statistics (nothing runs
# ANALYZE), so its plan follows from the schema; the installed base is still made large.
SQLITE_PRODUCTS = 6_000


@pytest_asyncio.fixture(scope="module")
async def sqlite_installed_base(
    database: str, app: Starlette, settings: Settings
) -> AsyncIterator[Api]:
    """Thousands of ACTIVE products, a third of them Bench Customer's, the others spread over
    60 other customers, one order and line item each (written in bulk: only the installed
    base is read)."""
    await empty_all_tables(database)
    people = await install_bench_catalog()
    specification = await ServiceSpecification.get(code="BENCH_SMALL")

    def customer(n: int) -> str:
        return "Bench Customer" if n % 3 == 0 else f"Customer {n % OTHER_CUSTOMERS:02d}"

    await ServiceOrder.bulk_create(
        [
            ServiceOrder(
                number=f"SO{n:07d}",
                customer=customer(n),
                submitted_by=people.partner,
                state=ServiceOrderState.COMPLETED,
            )
            for n in range(SQLITE_PRODUCTS)
        ],
        batch_size=1_000,
    )
    orders = await ServiceOrder.all().order_by("id").values_list("id", "customer")
    await LineItem.bulk_create(
        [
            LineItem(
                service_order_id=order,
                position=0,
                action=LineItemAction.ADD,
                specification=specification,
                state=FulfillmentState.COMPLETED,
            )
            for order, _ in orders
        ],
        batch_size=1_000,
    )
    items = await LineItem.all().order_by("id").values_list("id", flat=True)
    await SoldProduct.bulk_create(
        [
            SoldProduct(
                line_item_id=item,
                specification=specification,
                customer=owner,
                state=SoldProductState.ACTIVE,
            )
            for item, (_, owner) in zip(items, orders, strict=True)
        ],
        batch_size=1_000,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield Api(client, settings)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("reader", ["bench-manager", "bench-partner"])
async def test_on_sqlite_a_customer_s_many_products_are_read_through_the_customer_index(
    sqlite_installed_base: Api, reader: str
) -> None:
    # given Bench Customer, owner of a third of 6,000 products, all ordered by the partner
    api = sqlite_installed_base
    token = await api.token(reader)

    # when a manager, or the partner, lists them
    with captured_statements() as statements:
        body = await api.post(
            SOLD_PRODUCTS,
            {"filter": {"customer": "Bench Customer"}},
            headers={"Authorization": f"Bearer {token}"},
        )
    plans = [await sqlite_query_plan(s) for s in statements if 'FROM "sold_product"' in s.sql]

    # then the page, the count's probe and the count each search the (customer, id) index,
    # in its order (no sort of the customer's rows), and reach a product's order through its
    # keys: none reads a table from end to end. (A partner's list also names the products it
    # changed but did not order: that set is a subquery, built once, and only for a product
    # of another's order.)
    assert body["data"]["soldProducts"]["totalCount"] == SQLITE_PRODUCTS // 3
    assert len(plans) == 3
    for plan in plans:
        outer = [step.detail for step in plan if not step.in_subquery]
        reads = [step for step in outer if step.split()[1:2] == ["sold_product"]]
        assert len(reads) == 1, outer
        assert reads[0].startswith("SEARCH sold_product USING"), outer
        assert "INDEX idx_sold_produc_custome" in reads[0] and "(customer=?)" in reads[0], outer
        assert not any("TEMP B-TREE" in step for step in outer), outer
        assert not any(step.detail.startswith("SCAN") for step in plan), plan
        if reader == "bench-partner":  # whose order each product is: read by its keys
            order_of = "SEARCH sold_product__line_item__service_order USING INTEGER PRIMARY KEY"
            assert any(step.startswith(order_of) for step in outer), outer
