"""Benchmark 4, data volume: what each operation costs as the database grows to 1M tasks.

    .venv/bin/python -m bench.volume [--steps 10000,100000,1000000] [--samples 30]

A throwaway PostgreSQL database is filled in steps (10k, 100k, 1M tasks by default) with
copies of a block of orders made through the services (bench/volume_data.py: worked to
completion, being worked with open fallout, new), then VACUUM ANALYZEd, as autovacuum leaves
a database after a load. At each step, one uvicorn process (server.create_app) serves, over
HTTP, rounds of every operation in turn, each timed alone: approve (a new order of 25 line
items, submitted beforehand), startTask and completeTask (on a task that approval made READY),
completeTask on a task of an 800-task order with a requested completion date (its schedule
recomputed in the transaction, services/schedule/),
createFallout and resolveFallout (RETRY_TASK) on another, the plan of a 40-task order being
worked (the UI's plan query), the first page of a group's READY tasks, "my tasks" (the
agent's, any state: their whole history is theirs), the open fallouts, the orders list with
totalCount (the UI's), and an order's history (the UI's page of 100). Printed: p50 and p95 of
each at each step, and the ratio of each p50 to the first step's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from tortoise import Tortoise

from bench import runner
from bench.databases import database_copy, open_database, throwaway_database
from bench.load import Sample
from bench.machine import describe, load_average
from bench.plan_data import BenchPeople, install_bench_catalog, submit_order
from bench.plan_query import PLAN_QUERY, ui_operation, with_ui_fragments
from bench.reschedule import big_order
from bench.server_process import BENCH_JWT_SECRET, running_server
from bench.table import ms, number, ratio, render
from bench.volume_data import Block, Recipe, copy_block, make_block, row_counts, vacuum_analyze
from models import AssignmentGroup, Task
from resolvers.global_ids import encode_global_id
from services import clock
from services.auth import issue_token
from services.settings import Settings

# The page's own documents where it has them (ui/src/api/documents.graphql); the lists it does
# not show are asked for with its fragments.
APPROVE = ui_operation("Approve")
START = ui_operation("StartTask")
COMPLETE = ui_operation("CompleteTask")
CREATE_FALLOUT = ui_operation("CreateFallout")
RESOLVE_FALLOUT = ui_operation("ResolveFallout")
ORDERS = ui_operation("ServiceOrders")
HISTORY = ui_operation("History")
TASKS = with_ui_fragments(
    """query Tasks($filter: TaskFilter) { tasks(filter: $filter, first: 50) {
      pageInfo { hasNextPage endCursor } edges { node { ...TaskFields } } } }"""
)
FALLOUTS = with_ui_fragments(
    """query Fallouts($filter: FalloutFilter) { fallouts(filter: $filter, first: 50) {
      pageInfo { hasNextPage endCursor } edges { node { ...FalloutFields } } } }"""
)
TASK_IDS = """query TaskIds($filter: TaskFilter) {
  tasks(filter: $filter, first: 2) { edges { node { id } } } }"""

APPROVE_NAME = "approve"
COMPLETE_800 = "completeTask (800-task order)"
OPERATIONS = (
    APPROVE_NAME,
    "startTask",
    "completeTask",
    COMPLETE_800,
    "createFallout",
    "resolveFallout",
    "plan (40 tasks)",
    "READY tasks of a group",
    "my tasks",
    "open fallouts",
    "orders with totalCount",
    "order history",
)
BLOCKS = {"full": Recipe(), "tiny": Recipe(1, 1, 1, 1, 2)}


@dataclass(frozen=True)
class Options:
    steps: Sequence[int]
    samples: int
    warm_up: int
    approve_line_items: int
    block: str
    json_path: Path | None


@dataclass(frozen=True)
class Step:
    tasks: int
    rows: dict[str, int]
    fill_seconds: float
    samples: dict[str, Sample]


@dataclass(frozen=True)
class Targets:
    """What the rounds act on: the same ids in every step's database (each step's database
    starts as a copy of the one before, so the block and the new orders are in all of them)."""

    new_orders: list[int]
    # An approved 800-task order with a requested date: each round completes one of its tasks,
    # so its schedule (services/schedule/) is recomputed in the completion's transaction.
    big_order: int
    plan_order: int
    history_order: int
    group: int


class Client:
    """GraphQL over HTTP to one step's server, as the bench manager or agent; every answer
    checked, and the time of each operation kept."""

    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=120)
        self.tokens = tokens
        self.samples: dict[str, list[float]] = {name: [] for name in OPERATIONS}
        self.timing = False

    async def send(self, name: str, who: str, query: str, variables: dict[str, Any]) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        begin = time.perf_counter()
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        elapsed = time.perf_counter() - begin
        body = response.json()
        if response.status_code != 200 or "errors" in body:
            raise RuntimeError(f"{name} answered {response.status_code}: {body}")
        data = next(iter(body["data"].values()))
        if isinstance(data, dict) and data.get("userErrors"):
            raise RuntimeError(f"{name} refused: {data['userErrors']}")
        if self.timing and name in self.samples:
            self.samples[name].append(elapsed)
        return data

    async def close(self) -> None:
        await self.http.aclose()


def gid(type_name: str, pk: int) -> str:
    return encode_global_id(type_name, pk)


async def one_round(client: Client, targets: Targets, index: int) -> None:
    """Every operation once, in the order a day's work does them."""
    order = gid("ServiceOrder", targets.new_orders[index])
    await client.send(APPROVE_NAME, "manager", APPROVE, {"input": {"serviceOrderId": order}})
    ready = await client.send(
        "(find ready tasks)",
        "manager",
        TASK_IDS,
        {"filter": {"serviceOrderId": order, "state": "READY"}},
    )
    worked, held = (edge["node"]["id"] for edge in ready["edges"][:2])
    await client.send("startTask", "agent", START, {"input": {"taskId": worked}})
    await client.send("completeTask", "agent", COMPLETE, {"input": {"taskId": worked}})
    big = gid("ServiceOrder", targets.big_order)
    ready_in_big = await client.send(
        "(find ready tasks)",
        "manager",
        TASK_IDS,
        {"filter": {"serviceOrderId": big, "state": "READY"}},
    )
    in_big = ready_in_big["edges"][0]["node"]["id"]
    await client.send("(start, 800-task order)", "agent", START, {"input": {"taskId": in_big}})
    await client.send(COMPLETE_800, "agent", COMPLETE, {"input": {"taskId": in_big}})
    fallout = await client.send(
        "createFallout",
        "manager",
        CREATE_FALLOUT,
        {
            "input": {
                "taskId": held,
                "type": "OTHER",
                "description": "Volume benchmark",
                "priority": "NORMAL",
            }
        },
    )
    resolution = {"falloutId": fallout["fallout"]["id"], "action": "RETRY_TASK", "note": "Again"}
    await client.send("resolveFallout", "manager", RESOLVE_FALLOUT, {"input": resolution})
    plan = {"id": gid("ServiceOrder", targets.plan_order)}
    await client.send("plan (40 tasks)", "manager", PLAN_QUERY, plan)
    queue = {"state": "READY", "group": gid("AssignmentGroup", targets.group)}
    await client.send("READY tasks of a group", "agent", TASKS, {"filter": queue})
    await client.send("my tasks", "agent", TASKS, {"filter": {"assignee": "me"}})
    await client.send("open fallouts", "manager", FALLOUTS, {"filter": {"state": "OPEN"}})
    await client.send("orders with totalCount", "manager", ORDERS, {})
    history = {"id": gid("ServiceOrder", targets.history_order)}
    await client.send("order history", "manager", HISTORY, history)


async def submit_new_orders(people: BenchPeople, count: int, line_items: int) -> list[int]:
    return [(await submit_order(people, "BENCH_SMALL", line_items)).id for _ in range(count)]


async def fill_to(block: Block, tasks: int) -> tuple[dict[str, int], float]:
    """Copies of `block` until the database holds `tasks` tasks, then fresh statistics; the
    rows each table holds, and how long it took."""
    started = time.perf_counter()
    missing = tasks - await Task.all().count()
    if missing > 0:
        await copy_block(block, -(-missing // block.tasks))
    await vacuum_analyze()
    rows = await row_counts()
    seconds = time.perf_counter() - started
    print(f"{rows['task']:,} tasks: filled and analysed in {seconds:.0f} s", flush=True)
    return rows, seconds


async def first_database(url: str, options: Options) -> tuple[BenchPeople, Block, Targets]:
    """The block through the services, the orders the rounds approve, and the first step."""
    people = await install_bench_catalog()
    started = time.perf_counter()
    block = await make_block(people, BLOCKS[options.block])
    print(
        f"A block of {len(block.order_ids)} orders, {block.tasks} tasks, through the services "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    rounds = options.warm_up + options.samples
    group = await AssignmentGroup.get(name="bench-network")
    targets = Targets(
        new_orders=await submit_new_orders(people, rounds, options.approve_line_items),
        big_order=(await big_order(people, clock.now())).id,
        plan_order=block.order_ids[block.in_progress_position],
        history_order=block.order_ids[block.completed_position],
        group=group.id,
    )
    return people, block, targets


async def filled_databases(
    stack: AsyncExitStack, options: Options
) -> tuple[list[str], list[tuple[dict[str, int], float]], BenchPeople, Targets]:
    """A database per step, each a copy of the one before filled further."""
    urls: list[str] = []
    fills = []
    url = await stack.enter_async_context(throwaway_database("postgres"))
    await open_database(url)
    try:
        people, block, targets = await first_database(url, options)
        for index, tasks in enumerate(options.steps):
            if index:
                await Tortoise.close_connections()
                url = await stack.enter_async_context(database_copy(url))
                await open_database(url)
            fills.append(await fill_to(block, tasks))
            urls.append(url)
    finally:
        await Tortoise.close_connections()
    return urls, fills, people, targets


async def run(options: Options) -> list[Step]:
    """Every step's database served at once; each round runs on every step in turn, so that
    whatever else the machine does meanwhile weighs on all of them alike."""
    async with AsyncExitStack() as stack:
        urls, fills, people, targets = await filled_databases(stack, options)
        settings = Settings(_env_file=None, database_url=urls[0], jwt_secret=BENCH_JWT_SECRET)
        tokens = {
            "manager": issue_token(people.manager, settings),
            "agent": issue_token(people.agent, settings),
        }
        with ExitStack() as servers:
            clients = []
            for url in urls:
                server = servers.enter_context(running_server("server:create_app", url))
                clients.append(Client(server.url, tokens))
                stack.push_async_callback(clients[-1].close)
            for index in range(options.warm_up + options.samples):
                for client in clients:
                    client.timing = index >= options.warm_up
                    await one_round(client, targets, index)
    return [
        Step(rows["task"], rows, seconds, {n: sample_of(t) for n, t in client.samples.items()})
        for (rows, seconds), client in zip(fills, clients, strict=True)
    ]


def sample_of(latencies: list[float]) -> Sample:
    return Sample(latencies, sum(latencies))


def report(steps: Sequence[Step], options: Options) -> str:
    header = ["operation"]
    for step in steps:
        header += [f"{step.tasks:,} p50", "p95"]
        if step is not steps[0]:
            header.append("ratio")
    rows: list[list[str | int | None]] = []
    first = steps[0]
    for name in OPERATIONS:
        row: list[str | int | None] = [name]
        for step in steps:
            sample = step.samples[name]
            row += [ms(sample.p50), ms(sample.p95)]
            if step is not first:
                row.append(ratio(sample.p50 / first.samples[name].p50))
        rows.append(row)
    title = "Data volume: milliseconds per operation over HTTP (one uvicorn process, PostgreSQL)"
    table = render(title, header, rows)
    sizes = render(
        "Rows at each step (before its rounds)",
        ["table", *(f"step {i + 1}" for i in range(len(steps)))],
        [[name, *(number(step.rows.get(name)) for step in steps)] for name in steps[0].rows],
    )
    fills = ", ".join(f"{step.fill_seconds:.0f} s" for step in steps)
    note = (
        "ratio: p50 at that step / p50 at the first step. approve: an order of "
        f"{options.approve_line_items} line items (8 tasks each). Rounds alternate between the "
        "steps' databases (one server each)."
    )
    return f"{table}\n{note}\n\n{sizes}\nFilling and analysing each step took {fills}."


def parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.volume", description=__doc__)
    parser.add_argument("--steps", default="10000,100000,1000000", help="task counts")
    parser.add_argument("--samples", type=int, default=30, help="rounds timed per step")
    parser.add_argument("--warm-up", type=int, default=3, help="rounds not timed, first")
    parser.add_argument("--approve-line-items", type=int, default=25)
    parser.add_argument("--block", choices=sorted(BLOCKS), default="full")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    return Options(
        steps=[int(s) for s in args.steps.split(",")],
        samples=args.samples,
        warm_up=args.warm_up,
        approve_line_items=args.approve_line_items,
        block=args.block,
        json_path=args.json,
    )


def figures(steps: Sequence[Step]) -> list[dict[str, Any]]:
    return [
        {
            "tasks": step.tasks,
            "rows": step.rows,
            "operations": {
                name: {"count": s.count, "p50": s.p50, "p95": s.p95}
                for name, s in step.samples.items()
            },
        }
        for step in steps
    ]


if __name__ == "__main__":
    chosen = parse(sys.argv[1:])
    print(f"Machine: {describe()}\nBefore: {load_average()}", flush=True)
    results = runner.run(run(chosen))
    print(f"After: {load_average()}\n")
    print(report(results, chosen))
    if chosen.json_path is not None:
        chosen.json_path.write_text(json.dumps(figures(results), indent=1))
