"""The http handler against a scripted endpoint on loopback: each answer the endpoint can give
becomes the outcome the module's table says, with the reason recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from services.workers.http_handler import HttpHandler, HttpRoute
from services.workers.jobs import Completed, Failed
from tests.services.workers.endpoint import CLOSE, HANG, Answer, Endpoint, scripted_endpoint
from tests.services.workers.fakes import job

MAX_BODY = 1024


@pytest_asyncio.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    async with scripted_endpoint() as running:
        yield running


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


def handler(url: str, client: httpx.AsyncClient, timeout: float = 5.0) -> HttpHandler:
    return HttpHandler(HttpRoute(url, timeout_seconds=timeout), client, max_body_bytes=MAX_BODY)


async def test_a_2xx_json_answer_completes_the_task_with_the_body_as_output(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    # given an endpoint that allocates a prefix
    url = endpoint.script("/ipam", Answer.json(201, {"prefix": "2001:db8::/56"}))
    task = job("TA0000001", "inventory.allocate_ipv6", lineItem={"characteristics": {"a": 1}})

    # when the handler runs the task
    outcome = await handler(url, client)(task)

    # then the task completes with the body, and the endpoint got the task's context as JSON
    assert outcome == Completed({"prefix": "2001:db8::/56"})
    [request] = endpoint.sent_to("/ipam")
    assert request.json() == task.context
    assert request.headers["content-type"] == "application/json"


async def test_a_204_completes_the_task_with_no_output(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    url = endpoint.script("/billing", Answer(204, b""))
    assert await handler(url, client)(job("TA0000001")) == Completed(None)


async def test_a_500_is_a_retryable_failure_naming_the_status_and_what_the_endpoint_said(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    url = endpoint.script("/olt", Answer.json(500, {"error": "OLT unreachable"}))

    outcome = await handler(url, client)(job("TA0000001"))

    assert outcome == Failed(f"{url} answered 500: OLT unreachable", retryable=True)


async def test_a_400_is_a_failure_not_retried_with_the_error_type_the_endpoint_named(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    body = {"message": "no free prefix\nin pool", "errorType": "INVENTORY_ALLOCATION_FAILURE"}
    url = endpoint.script("/ipam", Answer.json(400, body))

    outcome = await handler(url, client)(job("TA0000001"))

    # the endpoint's line breaks do not reach the task's error
    assert outcome == Failed(
        f"{url} answered 400: no free prefix in pool",
        retryable=False,
        error_type="INVENTORY_ALLOCATION_FAILURE",
    )


async def test_a_429_asks_to_come_back_later_a_retryable_failure(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    url = endpoint.script("/busy", Answer(429, b"slow down", "text/plain"))
    outcome = await handler(url, client)(job("TA0000001"))
    assert outcome == Failed(f"{url} answered 429: slow down", retryable=True)


async def test_an_endpoint_that_hangs_past_the_timeout_is_a_retryable_failure(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    url = endpoint.script("/slow", HANG)

    outcome = await handler(url, client, timeout=0.2)(job("TA0000001"))

    assert outcome == Failed(f"{url} did not answer within 0.2 s", retryable=True)


async def test_a_2xx_with_a_body_that_is_not_json_is_a_retryable_failure(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    url = endpoint.script("/proxy", Answer(200, b"<html>Gateway\x00</html>", "text/html"))

    outcome = await handler(url, client)(job("TA0000001"))

    assert outcome == Failed(f"{url} answered 200 with no JSON: <html>Gateway </html>", True)


async def test_a_closed_connection_is_a_retryable_failure(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    url = endpoint.script("/flaky", CLOSE)

    outcome = await handler(url, client)(job("TA0000001"))

    assert isinstance(outcome, Failed) and outcome.retryable
    assert outcome.error.startswith(f"{url} closed the connection: ")


async def test_a_refused_connection_is_a_retryable_failure(client: httpx.AsyncClient) -> None:
    async with scripted_endpoint() as gone:
        url = gone.url("/nobody")
    outcome = await handler(url, client)(job("TA0000001"))
    assert isinstance(outcome, Failed) and outcome.retryable
    assert outcome.error.startswith(f"{url} could not be reached: ")


async def test_an_answer_larger_than_the_output_bound_is_a_failure_not_retried(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    url = endpoint.script("/big", Answer.json(200, {"blob": "x" * MAX_BODY}))
    outcome = await handler(url, client)(job("TA0000001"))
    assert outcome == Failed(f"{url} answered more than {MAX_BODY} bytes", retryable=False)


async def test_a_500_with_a_body_larger_than_the_output_bound_is_still_retried(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    # given an endpoint failing with a long page (a stack trace)
    page = b"java.lang.IllegalStateException: pool exhausted\n" + b"\tat x.y.Z\n" * MAX_BODY
    url = endpoint.script("/trace", Answer(500, page, "text/plain"))

    # when
    outcome = await handler(url, client)(job("TA0000001"))

    # then it is a retryable failure whose reason is the page's first line, cut short
    assert isinstance(outcome, Failed) and outcome.retryable
    assert outcome.error.startswith(
        f"{url} answered 500: java.lang.IllegalStateException: pool exhausted at x.y.Z"
    )
    assert len(outcome.error) < len(url) + 320


async def test_credentials_and_query_of_the_url_stay_out_of_the_error(
    endpoint: Endpoint, client: httpx.AsyncClient
) -> None:
    endpoint.script("/secret", Answer(503, b""))
    url = f"http://user:pass@127.0.0.1:{endpoint.port}/secret?token=abc"

    outcome = await handler(url, client)(job("TA0000001"))

    assert outcome == Failed(f"http://127.0.0.1:{endpoint.port}/secret answered 503", True)
