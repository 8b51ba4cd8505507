"""Profile the plan query in this process (no HTTP, no second process): where its time goes.

    .venv/bin/python -m bench.profile_plan [--db sqlite] [--requests 20] [--html profile.html]

Times the 800-task plan through the app (httpx's ASGI transport) next to baseline (a), in
alternation, then profiles a few more requests with pyinstrument (text, or `--html FILE`).
A quicker loop than bench.plan_read for trying a change; the figures to report come from
bench.plan_read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx
import orjson
from pyinstrument import Profiler
from tortoise import Tortoise

from bench import runner
from bench.core_baseline import core_executor
from bench.databases import BACKENDS, Backend, open_database, throwaway_database
from bench.load import Sample, closed_loop, timed_calls
from bench.plan_app import create_bench_app
from bench.plan_data import create_plan, install_bench_catalog
from bench.plan_query import PLAN_QUERY
from bench.plan_read import request_body
from bench.server_process import BENCH_JWT_SECRET
from bench.table import ms
from schema.build import build_schema
from services.auth import issue_token
from services.settings import Settings


async def profile(backend: Backend, requests: int, line_items: int) -> Profiler:
    async with throwaway_database(backend) as url:
        await open_database(url)
        try:
            settings = Settings(_env_file=None, database_url=url, jwt_secret=BENCH_JWT_SECRET)
            people = await install_bench_catalog()
            order = await create_plan(people, product="BENCH_PLAN", line_items=line_items)
            headers = {
                "Authorization": f"Bearer {issue_token(people.manager, settings)}",
                "Content-Type": "application/json",
            }
            body = request_body(order.id)
            transport = httpx.ASGITransport(app=create_bench_app(settings))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

                async def send(_: int) -> None:
                    response = await client.post("/graphql", content=body, headers=headers)
                    if response.status_code != 200:
                        raise RuntimeError(response.text)

                data = (await client.post("/graphql", content=body, headers=headers)).json()
                variables = orjson.loads(body)["variables"]
                core = core_executor(build_schema(settings), PLAN_QUERY, variables, data["data"])
                graphql_rounds, core_rounds = [], []
                for _ in range(5):
                    sample = await closed_loop(
                        send, concurrency=1, requests=max(1, requests // 5), time_limit=60
                    )
                    graphql_rounds.append(sample)
                    core_rounds.append(
                        timed_calls(core, requests=max(1, requests // 5), time_limit=60)
                    )
                graphql, baseline = Sample.merged(graphql_rounds), Sample.merged(core_rounds)
                print(
                    f"{order.tasks_total} tasks on {backend}: GraphQL in process p50 "
                    f"{ms(graphql.p50)} ms, baseline (a) p50 {ms(baseline.p50)} ms, "
                    f"ratio {graphql.p50 / baseline.p50:.2f}"
                )
                profiler = Profiler(async_mode="enabled")
                with profiler:
                    await closed_loop(send, concurrency=1, requests=5, time_limit=60)
        finally:
            await Tortoise.close_connections()
    return profiler


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_plan", description=__doc__)
    parser.add_argument("--db", choices=BACKENDS, default="sqlite")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--line-items", type=int, default=25)
    parser.add_argument("--html", type=Path, default=None)
    args = parser.parse_args(argv)
    profiler = runner.run(profile(args.db, args.requests, args.line_items))
    if args.html is None:
        print(profiler.output_text(unicode=True, color=False))
    else:
        args.html.write_text(profiler.output_html())
        print(f"profile written to {args.html}")


if __name__ == "__main__":
    main(sys.argv[1:])
