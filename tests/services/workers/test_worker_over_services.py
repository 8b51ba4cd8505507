"""The built-in worker with the http handler, answering through the automation services on a
real database (SQLite and PostgreSQL), against a scripted endpoint on loopback: each thing an
endpoint can do is recorded on the task, retries wait out the backoff (the fake clock), and
exhausted retries end in a fallout the system opens."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
import pytest_asyncio

from models import Event, FalloutRecord, Task, User
from models.enums import FalloutState, TaskState
from services.limits import MAX_OUTPUT_BYTES
from services.workers.http_handler import HttpHandler, HttpRoute
from services.workers.loop import Worker, WorkerOptions
from services.workers.registry import Registry
from services.workers.source import ServiceSource
from tests.fake_clock import FakeClock
from tests.services.automation.plans import HANDLER, automated_plan
from tests.services.workers.endpoint import CLOSE, HANG, Answer, Endpoint, scripted_endpoint

WORKER = "worker-under-test"
TIMEOUT = 0.3
OPTIONS = WorkerOptions(WORKER, concurrency=2, poll_seconds=0.01, max_poll_seconds=0.02)


@pytest_asyncio.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    async with scripted_endpoint() as running:
        yield running


@asynccontextmanager
async def http_worker(users: dict[str, User], url: str) -> AsyncIterator[Worker]:
    """The worker `server.py worker` builds, with one http route: HANDLER → `url`."""
    async with httpx.AsyncClient() as client:
        registry = Registry()
        route = HttpRoute(url, timeout_seconds=TIMEOUT)
        registry.register(HANDLER, HttpHandler(route, client, max_body_bytes=MAX_OUTPUT_BYTES))
        worker = Worker(ServiceSource(users["automation"], WORKER), registry, OPTIONS)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        try:
            yield worker
        finally:
            stop.set()
            await asyncio.wait_for(running, 10)


async def until_task(task_id: int, wanted: Callable[[Task], bool]) -> Task:
    """The task once the worker has brought it where `wanted` says."""
    async with asyncio.timeout(15):
        while not wanted(task := await Task.get(id=task_id)):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    return task


def retry_scheduled(task: Task) -> bool:
    return task.state == TaskState.READY and task.next_attempt_at is not None


def failed_attempts(count: int) -> Callable[[Task], bool]:
    return lambda task: retry_scheduled(task) and task.attempts == count


async def kinds(task_id: int) -> list[str]:
    rows = await Event.filter(entity_type="task", entity_id=task_id).order_by("id")
    return [str(event.kind) for event in rows]


async def test_an_endpoint_that_answers_completes_the_task_with_its_output(
    users: dict[str, User], endpoint: Endpoint, clock: FakeClock
) -> None:
    # given an automated task and an endpoint that answers with an allocation
    plan = await automated_plan(users["partner"])
    url = endpoint.script("/ipam", Answer.json(200, {"prefix": "2001:db8::/56"}))

    # when the worker runs
    async with http_worker(users, url):
        task = await until_task(plan.task_ids["a"], lambda t: t.state == TaskState.COMPLETED)

    # then the task is completed with the endpoint's answer, by the automation user
    assert (task.attempts, task.output, task.locked_by) == (1, {"prefix": "2001:db8::/56"}, None)
    [request] = endpoint.sent_to("/ipam")
    assert request.json()["task"]["number"] == task.number
    completed = await Event.get(entity_id=task.id, kind="task.completed")
    assert completed.actor_id == users["automation"].id


async def test_a_500_then_an_answer_completes_the_task_on_its_second_attempt(
    users: dict[str, User], endpoint: Endpoint, clock: FakeClock
) -> None:
    # given an endpoint that fails once with 500
    plan = await automated_plan(users["partner"])
    task_id = plan.task_ids["a"]
    url = endpoint.script("/olt", Answer.json(500, {"error": "OLT busy"}), Answer.json(200, {}))

    async with http_worker(users, url):
        # when the first attempt fails, the retry waits for its backoff
        failed = await until_task(task_id, retry_scheduled)
        assert failed.last_error == f"{url} answered 500: OLT busy"
        assert failed.attempts == 1
        clock.advance(seconds=10)  # the first backoff of tests/services/automation/plans.py
        # then the second attempt completes it
        task = await until_task(task_id, lambda t: t.state == TaskState.COMPLETED)

    assert task.attempts == 2
    assert len(endpoint.sent_to("/olt")) == 2
    assert await kinds(task_id) == [
        "task.locked",
        "task.retry_scheduled",
        "task.locked",
        "task.completed",
    ]


@pytest.mark.parametrize(
    ("step", "reason"),
    [
        (HANG, f"did not answer within {TIMEOUT:g} s"),
        (Answer(200, b"<html>oops</html>", "text/html"), "answered 200 with no JSON: <html>"),
        (CLOSE, "closed the connection: "),
        (Answer(503, b""), "answered 503"),
    ],
    ids=["hangs", "garbage", "closes", "503"],
)
async def test_each_fault_of_the_endpoint_is_a_retryable_failure_with_its_reason(
    users: dict[str, User], endpoint: Endpoint, clock: FakeClock, step: Answer | str, reason: str
) -> None:
    plan = await automated_plan(users["partner"])
    url = endpoint.script("/flaky", step)

    async with http_worker(users, url):
        task = await until_task(plan.task_ids["a"], retry_scheduled)

    assert task.last_error is not None and task.last_error.startswith(f"{url} ")
    assert reason in task.last_error
    assert await FalloutRecord.filter(task_id=task.id).count() == 0


async def test_a_400_holds_the_task_at_once_with_a_system_fallout_carrying_the_reason(
    users: dict[str, User], endpoint: Endpoint, clock: FakeClock
) -> None:
    plan = await automated_plan(users["partner"])
    body = {"error": "no free prefix", "errorType": "INVENTORY_ALLOCATION_FAILURE"}
    url = endpoint.script("/ipam", Answer.json(400, body))

    async with http_worker(users, url):
        task = await until_task(plan.task_ids["a"], lambda t: t.state == TaskState.ON_HOLD)

    [fallout] = await FalloutRecord.filter(task_id=task.id)
    assert task.attempts == 1
    assert fallout.state == FalloutState.OPEN
    assert str(fallout.type) == "INVENTORY_ALLOCATION_FAILURE"
    assert f"{url} answered 400: no free prefix" in fallout.description


async def test_exhausted_retries_hold_the_task_with_a_system_fallout(
    users: dict[str, User], endpoint: Endpoint, clock: FakeClock
) -> None:
    # given an endpoint that always answers 500, and a task of three attempts
    plan = await automated_plan(users["partner"])
    task_id = plan.task_ids["a"]
    url = endpoint.script("/down", Answer.json(500, {"error": "down"}))

    async with http_worker(users, url):
        # when every attempt fails and each backoff passes
        for attempt, backoff in ((1, 10), (2, 20)):
            failed = await until_task(task_id, failed_attempts(attempt))
            clock.advance(seconds=backoff)
        task = await until_task(task_id, lambda t: t.state == TaskState.ON_HOLD)

    # then the third failure holds it with a fallout of the system carrying the error
    assert failed.attempts == 2
    assert task.attempts == 3
    [fallout] = await FalloutRecord.filter(task_id=task_id)
    assert f"{url} answered 500: down" in fallout.description
    assert len(endpoint.sent_to("/down")) == 3
