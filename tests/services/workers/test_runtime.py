"""The worker as the server's lifespan and `server.py worker` build it from the settings."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from bench.server_process import free_port
from models import Task, User
from models.enums import TaskState
from services.settings import Settings
from services.workers.demo import demo_topics
from services.workers.http_handler import HttpHandler
from services.workers.registry import UnknownTopicError
from services.workers.runtime import (
    WorkerConfigurationError,
    WorkerRequest,
    build_registry,
    embedded_worker,
    running_worker,
    serving_metrics,
)
from tests.fake_clock import FakeClock
from tests.services.automation.plans import automate, automated_plan

DEMO = Settings(
    _env_file=None,
    embedded_worker=True,
    worker_demo_handlers=True,
    worker_demo_seconds=0,
    worker_poll_seconds=0.01,
    worker_max_poll_seconds=0.02,
)


async def test_the_demo_handlers_serve_the_demo_catalogs_topics_and_a_route_takes_one_over() -> (
    None
):
    routes = {"demo.activate_billing": "http://127.0.0.1:9/billing"}
    settings = Settings(_env_file=None, worker_demo_handlers=True, worker_http_routes=routes)

    async with httpx.AsyncClient() as client:
        registry = build_registry(settings, client)

    assert registry.topics == demo_topics()
    assert "demo.activate_service" in registry.topics
    assert isinstance(registry.handler("demo.activate_billing"), HttpHandler)
    assert not isinstance(registry.handler("demo.activate_service"), HttpHandler)


async def test_no_demo_handler_runs_unless_asked_for() -> None:
    async with httpx.AsyncClient() as client:
        assert len(build_registry(Settings(_env_file=None), client)) == 0


async def test_the_embedded_worker_does_the_automated_tasks_of_the_demo_topics(
    users: dict[str, User], clock: FakeClock
) -> None:
    # given a READY automated task of a demo topic
    plan = await automated_plan(users["partner"])
    task = await automate(plan.task_ids["a"], handler="demo.activate_service")

    # when the server's lifespan runs the embedded worker for a while
    async with embedded_worker(DEMO) as worker:
        assert worker is not None
        async with asyncio.timeout(15):
            while (await Task.get(id=task.id)).state != TaskState.COMPLETED:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

    # then the worker, as the automation user, completed it with the demo output
    done = await Task.get(id=task.id)
    assert isinstance(done.output, dict)
    assert done.output["handler"] == "demo.activate_service"
    assert done.output["reference"].startswith("ACTIVATE-")


async def test_the_embedded_worker_is_off_unless_asked_for(users: dict[str, User]) -> None:
    async with embedded_worker(Settings(_env_file=None)) as worker:
        assert worker is None


async def test_an_embedded_worker_without_its_user_is_left_out_and_the_server_goes_on(
    users: dict[str, User],
) -> None:
    settings = DEMO.model_copy(update={"worker_username": "nobody"})
    async with embedded_worker(settings) as worker:
        assert worker is None


async def test_a_worker_asked_for_a_topic_it_has_no_handler_for_is_refused(
    users: dict[str, User],
) -> None:
    with pytest.raises(UnknownTopicError):
        async with running_worker(DEMO, WorkerRequest(topics=("no.such.topic",))):
            pass


async def test_the_worker_s_metrics_are_served_on_their_port_while_it_runs() -> None:
    # given
    port = free_port()

    url = f"http://127.0.0.1:{port}/metrics"

    async with httpx.AsyncClient() as client:
        # when
        async with serving_metrics("127.0.0.1", port):
            response = await client.get(url)

        # then
        assert response.status_code == 200
        assert "# TYPE fulfillment_automated_tasks_total counter" in response.text
        with pytest.raises(httpx.ConnectError):  # stopped with the block
            await client.get(url)


async def test_a_metrics_port_already_taken_refuses_the_worker() -> None:
    # given another process listening on the port
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        # when, then
        with pytest.raises(WorkerConfigurationError, match=f"127.0.0.1:{port}"):
            async with serving_metrics("127.0.0.1", port):
                pass
