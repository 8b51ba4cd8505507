"""What the worker loop tells the operator: each handler run's duration, by topic and outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from prometheus_client import REGISTRY

from services.workers.jobs import Completed, Job, Outcome
from services.workers.loop import Worker, WorkerOptions
from services.workers.registry import Registry
from tests.services.workers.fakes import FakeSource, job

FAST = WorkerOptions("worker-1", concurrency=1, poll_seconds=0.01, max_poll_seconds=0.01)
RUNS = "fulfillment_worker_handler_duration_seconds_count"


def runs(topic: str, outcome: str) -> float:
    return REGISTRY.get_sample_value(RUNS, {"topic": topic, "outcome": outcome}) or 0.0


async def work_until(source: FakeSource, handlers: Registry, done: Callable[[], bool]) -> None:
    stop = asyncio.Event()
    running = asyncio.create_task(Worker(source, handlers, FAST).run(stop))
    async with asyncio.timeout(10):
        while not done():  # noqa: ASYNC110
            await asyncio.sleep(0.005)
    stop.set()
    await asyncio.wait_for(running, 10)


async def test_a_handler_run_is_timed_by_topic_and_what_it_answered() -> None:
    # given
    async def succeed(job: Job) -> Outcome:
        return Completed(None)

    handlers = Registry()
    handlers.register("metrics.done", succeed)
    source = FakeSource([job("TA1", "metrics.done")])
    before = runs("metrics.done", "completed")

    # when
    await work_until(source, handlers, lambda: len(source.answers) == 1)

    # then
    assert runs("metrics.done", "completed") - before == 1


async def test_a_handler_that_raises_is_timed_as_raised() -> None:
    # given
    async def broken(job: Job) -> Outcome:
        raise KeyError("bug")

    handlers = Registry()
    handlers.register("metrics.broken", broken)
    source = FakeSource([job("TA1", "metrics.broken")])
    before = runs("metrics.broken", "raised")

    # when
    await work_until(source, handlers, lambda: len(source.answers) == 1)

    # then
    assert runs("metrics.broken", "raised") - before == 1
