"""Benchmark 1, plan read: the whole plan of an order over HTTP, against two baselines.

    .venv/bin/python -m bench.plan_read [--db sqlite|postgres|both] [--seconds 8]

For an 800-task plan (25 line items of BENCH_PLAN) and a 40-task one (5 of BENCH_SMALL), each
in a throwaway database: the plan query the UI sends (bench/plan_query.py) over HTTP to one
uvicorn process, at concurrency 1 and 16 (p50, p95, requests per second), and the SQL
statements one request takes. In the same run and the same process, baseline (b): a
hand-written Starlette endpoint running the same SQL and answering the same JSON with orjson;
and in this process, baseline (a): graphql-core executing the same query on the same data in
memory. Before timing, all three answers are checked to be the same JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import orjson
from tortoise import Tortoise

from bench import runner
from bench.core_baseline import core_executor
from bench.databases import BACKENDS, Backend, open_database, throwaway_database
from bench.load import Sample, closed_loop, timed_calls
from bench.machine import describe, load_average, process_cpu_seconds
from bench.plan_app import create_bench_app
from bench.plan_data import create_plan, install_bench_catalog
from bench.plan_query import PLAN_QUERY
from bench.server_process import BENCH_JWT_SECRET, running_server
from bench.statements import captured_statements
from bench.table import ms, number, ratio, render
from resolvers.global_ids import encode_global_id
from schema.build import build_schema
from services.auth import issue_token
from services.settings import Settings

GRAPHQL, BASELINE_B, BASELINE_A = "GraphQL", "(b) SQL+orjson", "(a) graphql-core"
ROUNDS = 3


@dataclass(frozen=True)
class Options:
    backends: Sequence[Backend]
    line_items: int
    small_line_items: int
    concurrency: Sequence[int]
    requests: int
    seconds: float
    json_path: Path | None
    current_backend: Backend = "sqlite"


@dataclass(frozen=True)
class Figures:
    db: str
    tasks: int
    path: str
    statements: int | None
    concurrency: int
    p50: float
    p95: float
    per_second: float
    count: int
    # CPU of the process that answered (the server; for (a), this one), per request.
    cpu_per_request: float

    @classmethod
    def of(
        cls, db: str, tasks: int, path: str, statements: int | None, c: int, s: Sample
    ) -> Figures:
        return cls(
            db, tasks, path, statements, c, s.p50, s.p95, s.per_second, s.count, s.cpu_per_call
        )


@dataclass(frozen=True)
class Plan:
    tasks: int
    body: bytes
    graphql_statements: int
    baseline_statements: int
    data: dict[str, Any]


async def prepare(options: Options, settings: Settings) -> tuple[str, list[Plan]]:
    """The plans, a token, and the in-process checks: statement counts and equal answers."""
    people = await install_bench_catalog()
    orders = [
        await create_plan(people, product="BENCH_PLAN", line_items=options.line_items),
        await create_plan(people, product="BENCH_SMALL", line_items=options.small_line_items),
    ]
    token = issue_token(people.manager, settings)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    transport = httpx.ASGITransport(app=create_bench_app(settings))
    plans = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for order in orders:
            body = request_body(order.id)
            answers, counts = [], []
            for path in ("/graphql", "/baseline/plan"):
                await client.post(path, content=body, headers=headers)  # warm: caches, statements
                with captured_statements() as statements:
                    response = await client.post(path, content=body, headers=headers)
                answers.append(response.json())
                counts.append(len(statements))
            graphql_answer, baseline_answer = answers
            # The data must be equal; GraphQL's answer also reports its cost in `extensions`.
            if "errors" in graphql_answer or graphql_answer["data"] != baseline_answer["data"]:
                where = first_difference(graphql_answer.get("data"), baseline_answer.get("data"))
                errors = graphql_answer.get("errors")
                problem = errors or where
                raise RuntimeError(f"baseline (b) does not answer what GraphQL does: {problem}")
            plans.append(
                Plan(order.tasks_total, body, counts[0], counts[1], graphql_answer["data"])
            )
    return token, plans


def first_difference(expected: object, actual: object, path: str = "data") -> str:
    """Where two JSON values first differ, as a path with both values: readable where the
    whole answers (a plan of hundreds of tasks) are not."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            if key not in actual:
                return f"{path}.{key}: missing in the baseline (GraphQL {expected[key]!r})"
            if key not in expected:
                return f"{path}.{key}: only in the baseline ({actual[key]!r})"
            if expected[key] != actual[key]:
                return first_difference(expected[key], actual[key], f"{path}.{key}")
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            if left != right:
                return first_difference(left, right, f"{path}[{index}]")
    return f"{path}: GraphQL {expected!r}, baseline {actual!r}"


def request_body(order_id: int) -> bytes:
    variables = {"id": encode_global_id("ServiceOrder", order_id)}
    return orjson.dumps({"query": PLAN_QUERY, "variables": variables})


class HttpClients:
    """One connection pool per concurrency, kept across rounds (warm keep-alive connections)."""

    def __init__(self, url: str, token: str, server_pid: int) -> None:
        self.url = url
        self.server_pid = server_pid
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self._clients: dict[int, httpx.AsyncClient] = {}

    def pool(self, concurrency: int) -> httpx.AsyncClient:
        if concurrency not in self._clients:
            limits = httpx.Limits(max_connections=concurrency)
            self._clients[concurrency] = httpx.AsyncClient(
                base_url=self.url, limits=limits, timeout=120
            )
        return self._clients[concurrency]

    async def measure(
        self, plan: Plan, path: str, concurrency: int, *, requests: int, seconds: float
    ) -> Sample:
        client = self.pool(concurrency)

        async def send(_: int) -> None:
            response = await client.post(path, content=plan.body, headers=self.headers)
            if response.status_code != 200 or response.content.startswith(b'{"errors"'):
                raise RuntimeError(f"{path} answered {response.status_code}: {response.text}")

        cpu = process_cpu_seconds(self.server_pid)
        sample = await closed_loop(
            send, concurrency=concurrency, requests=requests, time_limit=seconds
        )
        return replace(sample, cpu=process_cpu_seconds(self.server_pid) - cpu)

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()


async def measure_plan(
    clients: HttpClients, plan: Plan, execute_core: Callable[[], bytes], options: Options
) -> list[Figures]:
    """Each concurrency in rounds that alternate the paths, so that whatever else the machine
    does weighs on all of them alike."""
    db = options.current_backend
    paths = (
        ("/graphql", GRAPHQL, plan.graphql_statements),
        ("/baseline/plan", BASELINE_B, plan.baseline_statements),
    )
    figures = []
    for c in options.concurrency:
        for path, _, _ in paths:  # warm up: connections, caches, prepared statements
            await clients.measure(plan, path, c, requests=2 * c, seconds=30)
        samples: dict[str, list[Sample]] = {name: [] for _, name, _ in paths}
        core: list[Sample] = []
        per_round = max(c, options.requests // ROUNDS)
        for _ in range(ROUNDS):
            for path, name, _ in paths:
                samples[name].append(
                    await clients.measure(
                        plan, path, c, requests=per_round, seconds=options.seconds / ROUNDS
                    )
                )
            if c == 1:
                core.append(
                    timed_calls(
                        execute_core, requests=per_round, time_limit=options.seconds / ROUNDS
                    )
                )
        for _, name, count in paths:
            figures.append(Figures.of(db, plan.tasks, name, count, c, Sample.merged(samples[name])))
        if core:
            figures.append(Figures.of(db, plan.tasks, BASELINE_A, None, 1, Sample.merged(core)))
    return figures


async def run_backend(backend: Backend, options: Options) -> list[Figures]:
    options = replace(options, current_backend=backend)
    figures: list[Figures] = []
    async with throwaway_database(backend) as url:
        await open_database(url)
        settings = Settings(_env_file=None, database_url=url, jwt_secret=BENCH_JWT_SECRET)
        try:
            token, plans = await prepare(options, settings)
        finally:
            await Tortoise.close_connections()
        schema = build_schema(settings)
        with running_server("bench.plan_app:create_bench_app", url) as server:
            clients = HttpClients(server.url, token, server.pid)
            try:
                for plan in plans:
                    variables = orjson.loads(plan.body)["variables"]
                    execute_core = core_executor(schema, PLAN_QUERY, variables, plan.data)
                    if orjson.loads(execute_core()) != {"data": plan.data}:
                        raise RuntimeError("baseline (a) does not answer what GraphQL does")
                    figures += await measure_plan(clients, plan, execute_core, options)
            finally:
                await clients.close()
    return figures


def report(figures: Sequence[Figures]) -> str:
    concurrency = sorted({f.concurrency for f in figures})
    header = ["db", "tasks", "path", "stmts"]
    for c in concurrency:
        header += [f"c={c} p50 ms", f"c={c} p95 ms", f"c={c} req/s", f"c={c} CPU ms"]
    rows: list[list[str | int | None]] = []
    paths = [GRAPHQL, BASELINE_A, BASELINE_B]
    databases: list[str] = list(BACKENDS)
    keys = sorted(
        {(f.db, f.tasks, f.path) for f in figures},
        key=lambda k: (databases.index(k[0]), -k[1], paths.index(k[2])),
    )
    by_key = {(f.db, f.tasks, f.path, f.concurrency): f for f in figures}
    for db, tasks, path in keys:
        row: list[str | int | None] = [db, tasks, path, None]
        for c in concurrency:
            found = by_key.get((db, tasks, path, c))
            if found is None:
                row += [None, None, None, None]
                continue
            row[3] = found.statements
            row += [ms(found.p50), ms(found.p95), number(found.per_second)]
            row.append(ms(found.cpu_per_request))
        rows.append(row)
    tables = [render("Plan read over HTTP (one uvicorn process)", header, rows, left=3)]

    ratio_header = ["db", "tasks", "p50 GraphQL/(a)", "CPU GraphQL/(a)", "p50 GraphQL/(b)"]
    ratio_header += [f"c={c} req/s (b)/GraphQL" for c in concurrency]
    ratio_rows: list[list[str | int | None]] = []
    for db, tasks in dict.fromkeys((db, tasks) for db, tasks, _ in keys):
        graphql = by_key.get((db, tasks, GRAPHQL, 1))
        core = by_key.get((db, tasks, BASELINE_A, 1))
        floor = by_key.get((db, tasks, BASELINE_B, 1))
        row = [db, tasks]
        row.append(ratio(graphql.p50 / core.p50) if graphql and core else None)
        row.append(
            ratio(graphql.cpu_per_request / core.cpu_per_request) if graphql and core else None
        )
        row.append(ratio(graphql.p50 / floor.p50) if graphql and floor else None)
        for c in concurrency:
            g, b = by_key.get((db, tasks, GRAPHQL, c)), by_key.get((db, tasks, BASELINE_B, c))
            row.append(ratio(b.per_second / g.per_second) if g and b else None)
        ratio_rows.append(row)
    tables.append(
        render("Ratios (1.00x = as fast as the baseline)", ratio_header, ratio_rows, left=1)
    )
    return "\n\n".join(tables)


def parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.plan_read", description=__doc__)
    parser.add_argument("--db", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--line-items", type=int, default=25, help="of BENCH_PLAN (32 tasks each)")
    parser.add_argument(
        "--small-line-items", type=int, default=5, help="of BENCH_SMALL (8 tasks each)"
    )
    parser.add_argument("--concurrency", default="1,16", help="comma-separated client counts")
    parser.add_argument("--requests", type=int, default=300, help="at most, per measurement")
    parser.add_argument("--seconds", type=float, default=8.0, help="at most, per measurement")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    backends: Sequence[Backend] = BACKENDS if args.db == "both" else (args.db,)
    return Options(
        backends=backends,
        line_items=args.line_items,
        small_line_items=args.small_line_items,
        concurrency=[int(c) for c in args.concurrency.split(",")],
        requests=args.requests,
        seconds=args.seconds,
        json_path=args.json,
    )


async def main(options: Options) -> list[Figures]:
    figures: list[Figures] = []
    for backend in options.backends:
        figures += await run_backend(backend, options)
    return figures


if __name__ == "__main__":
    chosen = parse(sys.argv[1:])
    print(f"Machine: {describe()}\nBefore: {load_average()}", flush=True)
    results = runner.run(main(chosen))
    print(f"After: {load_average()}\n")
    print(report(results))
    if chosen.json_path is not None:
        chosen.json_path.write_text(json.dumps([asdict(f) for f in results], indent=1))
