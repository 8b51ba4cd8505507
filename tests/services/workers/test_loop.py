"""The worker loop against a fake of the service calls (fakes.FakeSource): slots, polling,
lock extension, answers and stopping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from services.errors import ConflictError, ValidationError
from services.workers.jobs import Completed, Failed, Job, Outcome
from services.workers.loop import STOPPED, Worker, WorkerOptions
from services.workers.registry import Registry
from tests.services.workers.fakes import FakeSource, job

FAST = WorkerOptions("worker-1", concurrency=2, poll_seconds=0.01, max_poll_seconds=0.01)


def registry(handler: Callable[[Job], Awaitable[Outcome]], topic: str = "demo.topic") -> Registry:
    handlers = Registry()
    handlers.register(topic, handler)
    return handlers


async def succeed(job: Job) -> Outcome:
    return Completed({"done": job.number})


@asynccontextmanager
async def running(worker: Worker) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def until(condition: Callable[[], bool]) -> None:
    """Wait for what the worker's own tasks do (no event of theirs says it)."""
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def test_each_fetched_task_is_run_by_its_topics_handler_and_completed() -> None:
    # given two READY tasks of the worker's topic and one of another
    source = FakeSource([job("TA1"), job("TA2"), job("TA3", "other.topic")])

    # when the worker runs until both are answered
    async with running(Worker(source, registry(succeed), FAST)):
        await until(lambda: len(source.answers) == 2)

    # then both are completed with their handler's output, and the other topic never fetched
    assert sorted(source.answers) == [
        ("complete", "TA1", {"done": "TA1"}),
        ("complete", "TA2", {"done": "TA2"}),
    ]
    assert [j.number for j in source.ready] == ["TA3"]


async def test_it_fetches_no_more_than_its_free_slots_and_runs_no_more_than_its_concurrency() -> (
    None
):
    # given five tasks and handlers that wait until released
    source = FakeSource([job(f"TA{n}") for n in range(1, 6)])
    release = asyncio.Event()
    active: list[int] = [0]
    most: list[int] = [0]

    async def blocking(job: Job) -> Outcome:
        active[0] += 1
        most[0] = max(most[0], active[0])
        await release.wait()
        active[0] -= 1
        return Completed(None)

    # when a worker of concurrency 2 runs them
    async with running(Worker(source, registry(blocking), FAST)):
        await until(lambda: active[0] == 2)
        release.set()
        await until(lambda: len(source.answers) == 5)

    # then at most two ran at once, and every fetch asked for the free slots only
    assert most[0] == 2
    assert source.fetches[0] == 2
    assert all(1 <= size <= 2 for size in source.fetches)


async def test_idle_polls_back_off_to_the_maximum_and_return_to_the_first_once_work_comes() -> None:
    # given a source that stays empty for five polls, then has a task
    source = FakeSource()
    pauses: list[float] = []
    stop = asyncio.Event()

    async def pause(seconds: float, wake: asyncio.Event) -> None:
        pauses.append(seconds)
        if len(pauses) == 5:
            source.ready.append(job("TA1"))
        if len(pauses) == 7:
            stop.set()
        await asyncio.sleep(0)

    options = WorkerOptions("w", concurrency=4, poll_seconds=0.5, max_poll_seconds=3)
    worker = Worker(source, registry(succeed), options, pause=pause)

    # when it runs
    await asyncio.wait_for(worker.run(stop), 10)

    # then the pauses doubled up to the maximum, and the poll after work was the first again
    assert pauses == [0.5, 1.0, 2.0, 3.0, 3.0, 0.5, 0.5]


async def test_a_long_running_task_has_its_lock_extended_while_it_runs() -> None:
    # given a task with a short lock whose handler finishes only once its lock was extended
    source = FakeSource([Job(1, "TA1", "demo.topic", 1, lock_seconds=0.03)])

    async def long_work(job: Job) -> Outcome:
        await source.extended.wait()
        return Completed("done")

    # when the worker runs it
    async with running(Worker(source, registry(long_work), FAST)):
        await source.answered.wait()

    # then the lock was extended by the worker's lock time, before the completion
    assert source.answers[0] == ("extend", "TA1", FAST.lock_seconds)
    assert source.answers[-1] == ("complete", "TA1", "done")


async def test_a_refused_extension_stops_the_handler_and_answers_nothing() -> None:
    # given a task whose lock the service no longer extends (it expired, another attempt runs)
    source = FakeSource([Job(1, "TA1", "demo.topic", 1, lock_seconds=0.03)])
    source.refuse_extension = ConflictError("The lock expired.", field="taskId")
    cancelled = asyncio.Event()

    async def forever(job: Job) -> Outcome:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()
        raise AssertionError("unreachable")

    worker = Worker(source, registry(forever), FAST)

    # when the worker runs it
    async with running(worker):
        await cancelled.wait()
        await until(lambda: worker.busy == 0)

    # then the handler was stopped, and nothing was answered for the task
    assert source.answers == []
    assert worker.stats.lost == 1


async def test_a_handler_that_raises_is_a_retryable_failure() -> None:
    source = FakeSource([job("TA1")])

    async def broken(job: Job) -> Outcome:
        raise KeyError("bug")

    async with running(Worker(source, registry(broken), FAST)):
        await source.answered.wait()

    assert source.answers == [
        ("fail", "TA1", Failed("the demo.topic handler raised KeyError", retryable=True))
    ]


async def test_an_output_the_service_refuses_becomes_a_failure_not_retried() -> None:
    # given a service that refuses the handler's output
    source = FakeSource([job("TA1")])
    source.refuse_completion = ValidationError("The output is too large.", field="output")

    async with running(Worker(source, registry(succeed), FAST)):
        await source.answered.wait()

    refused = "the service refused the demo.topic output: The output is too large."
    assert source.answers == [("fail", "TA1", Failed(refused, retryable=False))]


@pytest.mark.parametrize("grace", [0.0, 0.5])
async def test_stopping_finishes_what_ends_within_the_grace_and_releases_the_rest(
    grace: float,
) -> None:
    # given a worker running a quick task and one that never ends
    quick_started = asyncio.Event()
    finish_quick = asyncio.Event()
    source = FakeSource([job("TA1", "quick.topic"), job("TA2", "stuck.topic")])

    async def quick(job: Job) -> Outcome:
        quick_started.set()
        await finish_quick.wait()
        return Completed("quick")

    async def stuck(job: Job) -> Outcome:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    handlers = Registry()
    handlers.register("quick.topic", quick)
    handlers.register("stuck.topic", stuck)
    options = WorkerOptions("w", concurrency=2, poll_seconds=0.01, stop_grace_seconds=grace)
    worker = Worker(source, handlers, options)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    await until(lambda: worker.busy == 2)
    await quick_started.wait()

    # when it is told to stop, and the quick task ends during the grace
    stop.set()
    await asyncio.sleep(0)
    if grace:
        finish_quick.set()
    await asyncio.wait_for(task, 10)

    # then the quick one is completed (with a grace) and the stuck one released as retryable
    released = ("fail", "TA2", Failed(STOPPED, retryable=True))
    quick_answer = ("complete", "TA1", "quick") if grace else ("fail", "TA1", released[2])
    assert sorted(source.answers) == sorted([quick_answer, released])
    assert worker.busy == 0


async def test_a_failure_refused_for_its_error_type_is_sent_again_without_it() -> None:
    source = FakeSource([job("TA1")])
    calls: list[Failed] = []
    fail = source.fail

    async def picky_fail(job: Job, failure: Failed) -> None:
        calls.append(failure)
        if failure.error_type is not None:
            raise ValidationError("Unknown fallout type.", field="errorType")
        await fail(job, failure)

    source.fail = picky_fail  # type: ignore[method-assign]

    async def odd(job: Job) -> Outcome:
        return Failed("no", retryable=False, error_type="NOT_A_TYPE")

    async with running(Worker(source, registry(odd), FAST)):
        await source.answered.wait()

    assert calls == [Failed("no", False, "NOT_A_TYPE"), Failed("no", False)]
    assert source.answers == [("fail", "TA1", Failed("no", retryable=False))]
