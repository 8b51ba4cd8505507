"""Benchmark 2, mutations: 16 concurrent clients completing distinct tasks of many orders.

    .venv/bin/python -m bench.mutations [--db postgres] [--clients 16] [--orders 40]

In a throwaway PostgreSQL database, two equal sets of started tasks (BENCH_SMALL orders of 5
line items: 10 started tasks each), interleaved so that consecutive completions hit different
orders. The baseline completes one set with the service call itself (services.tasks.
complete_task) from `--clients` concurrent tasks in this process; the other set is completed
through `completeTask` over HTTP by as many clients, against one uvicorn process
(server.create_app), in rounds that alternate with the baseline's. Printed: completions per
second, p50 and p95, CPU per completion, and the ratio of throughputs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import zip_longest
from typing import cast

import httpx
import orjson
from tortoise import Tortoise

from bench import runner
from bench.databases import BACKENDS, Backend, open_database, throwaway_database
from bench.load import Sample, closed_loop
from bench.machine import describe, load_average, process_cpu_seconds
from bench.plan_data import BenchPeople, create_started_tasks, install_bench_catalog
from bench.server_process import BENCH_JWT_SECRET, Server, running_server
from bench.table import ms, number, ratio, render
from models import Task
from models.enums import TaskState
from resolvers.global_ids import encode_global_id
from services.auth import issue_token
from services.settings import Settings
from services.tasks import complete_task

COMPLETE_TASK = """
mutation CompleteTask($input: CompleteTaskInput!) {
  completeTask(input: $input) { task { id state version } userErrors { code message field } }
}"""
WARM_UP = 8
ROUNDS = 4


@dataclass(frozen=True)
class Options:
    backend: Backend
    clients: int
    orders: int
    seconds: float


async def task_set(people: BenchPeople, orders: int) -> list[Task]:
    """Started tasks of `orders` orders, one order after another in turn."""
    per_order = [
        await create_started_tasks(people, product="BENCH_SMALL", line_items=5)
        for _ in range(orders)
    ]
    return [task for row in zip_longest(*per_order) for task in row if task is not None]


async def check_completed(tasks: list[Task], sent: list[Task]) -> None:
    """The completions timed are completions made: exactly the tasks they were sent for."""
    ids = [task.id for task in tasks]
    rows = await Task.filter(id__in=ids, state=TaskState.COMPLETED).values_list("id", flat=True)
    completed = set(cast(list[int], rows))
    if completed != {task.id for task in sent}:
        raise RuntimeError(f"{len(completed)} tasks are COMPLETED; {len(sent)} were completed")


def chunks(tasks: list[Task], count: int) -> list[list[Task]]:
    size = -(-len(tasks) // count)
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


async def with_services(
    people: BenchPeople, tasks: list[Task], options: Options, seconds: float
) -> Sample:
    async def send(index: int) -> None:
        await complete_task(people.agent, tasks[index].id, "done by the benchmark")

    cpu = time.process_time()
    sample = await closed_loop(
        send, concurrency=options.clients, requests=len(tasks), time_limit=seconds
    )
    return replace(sample, cpu=time.process_time() - cpu)


class OverHttp:
    """`completeTask` over HTTP from `clients` connections to one server."""

    def __init__(self, server: Server, token: str, options: Options) -> None:
        self.server = server
        self.options = options
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        limits = httpx.Limits(max_connections=options.clients)
        self.client = httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60)

    async def complete(self, tasks: list[Task], seconds: float) -> Sample:
        bodies = [
            orjson.dumps(
                {
                    "query": COMPLETE_TASK,
                    "variables": {"input": {"taskId": encode_global_id("Task", task.id)}},
                }
            )
            for task in tasks
        ]

        async def send(index: int) -> None:
            response = await self.client.post(
                "/graphql", content=bodies[index], headers=self.headers
            )
            payload = response.json()
            completed = (payload.get("data") or {}).get("completeTask") or {}
            if response.status_code != 200 or completed.get("userErrors") != []:
                raise RuntimeError(f"completeTask answered {response.status_code}: {payload}")

        cpu = process_cpu_seconds(self.server.pid)
        sample = await closed_loop(
            send, concurrency=self.options.clients, requests=len(tasks), time_limit=seconds
        )
        return replace(sample, cpu=process_cpu_seconds(self.server.pid) - cpu)


async def measure(
    people: BenchPeople, over_http: OverHttp, sets: tuple[list[Task], list[Task]], options: Options
) -> tuple[Sample, Sample, list[Task]]:
    """Rounds that alternate the two paths, so that whatever else the machine does weighs on
    both alike; the tasks completed."""
    service_tasks, http_tasks = sets
    await with_services(people, service_tasks[:WARM_UP], options, 30)
    await over_http.complete(http_tasks[:WARM_UP], 30)
    completed = service_tasks[:WARM_UP] + http_tasks[:WARM_UP]
    baseline, graphql = [], []
    seconds = options.seconds / ROUNDS
    for by_services, by_http in zip(
        chunks(service_tasks[WARM_UP:], ROUNDS), chunks(http_tasks[WARM_UP:], ROUNDS), strict=True
    ):
        baseline.append(await with_services(people, by_services, options, seconds))
        graphql.append(await over_http.complete(by_http, seconds))
        completed += by_services[: baseline[-1].count] + by_http[: graphql[-1].count]
    return Sample.merged(baseline), Sample.merged(graphql), completed


async def run(options: Options) -> dict[str, Sample]:
    async with throwaway_database(options.backend) as url:
        await open_database(url)
        settings = Settings(_env_file=None, database_url=url, jwt_secret=BENCH_JWT_SECRET)
        try:
            people = await install_bench_catalog()
            sets = (await task_set(people, options.orders), await task_set(people, options.orders))
            token = issue_token(people.agent, settings)
            with running_server("server:create_app", url) as server:
                over_http = OverHttp(server, token, options)
                try:
                    baseline, graphql, completed = await measure(people, over_http, sets, options)
                finally:
                    await over_http.client.aclose()
            await check_completed([*sets[0], *sets[1]], completed)
        finally:
            await Tortoise.close_connections()
    return {"service calls (baseline)": baseline, "completeTask over HTTP": graphql}


def report(options: Options, samples: dict[str, Sample]) -> str:
    header = ["path", "completed", "per second", "p50 ms", "p95 ms", "CPU ms each"]
    rows: list[list[str | int | None]] = [
        [name, s.count, number(s.per_second, 1), ms(s.p50), ms(s.p95), ms(s.cpu_per_call)]
        for name, s in samples.items()
    ]
    baseline, graphql = samples.values()
    title = (
        f"Mutations on {options.backend}: {options.clients} concurrent clients completing "
        f"distinct tasks of {options.orders} orders"
    )
    table = render(title, header, rows)
    note = (
        "CPU: of the process that served them (this one for the service calls, the server's "
        "for GraphQL), PostgreSQL's not counted."
    )
    share = graphql.per_second / baseline.per_second
    return f"{table}\n{note}\n\nThroughput of GraphQL over HTTP / service calls: {ratio(share)}"


def parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.mutations", description=__doc__)
    parser.add_argument("--db", choices=BACKENDS, default="postgres")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--orders", type=int, default=40, help="per set; 10 tasks each")
    parser.add_argument("--seconds", type=float, default=20.0, help="at most, per measurement")
    args = parser.parse_args(argv)
    return Options(args.db, args.clients, args.orders, args.seconds)


if __name__ == "__main__":
    chosen = parse(sys.argv[1:])
    print(f"Machine: {describe()}\nBefore: {load_average()}", flush=True)
    samples = runner.run(run(chosen))
    print(f"After: {load_average()}\n")
    print(report(chosen, samples))
