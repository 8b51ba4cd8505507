"""The demo handlers: deterministic, and failing as the line item's characteristics mark."""

from __future__ import annotations

from typing import Any

import pytest

from services.workers.demo import demo_handler, demo_output
from services.workers.jobs import Completed, Failed
from tests.services.workers.fakes import job

TOPIC = "demo.allocate_resource"


def marked(value: Any, *, attempt: int = 1) -> Any:
    return job(
        "TA7", TOPIC, attempt=attempt, lineItem={"characteristics": {"simulateFailure": value}}
    )


async def test_an_unmarked_task_succeeds_with_the_same_output_every_time() -> None:
    handle = demo_handler(TOPIC)
    task = job("TA7", TOPIC, lineItem={"characteristics": {"ipVersion": "DUAL_STACK"}})

    first, second = await handle(task), await handle(task)

    assert first == second == Completed(demo_output(task))
    assert isinstance(first, Completed) and first.output["reference"].startswith("ALLOCATE-")


@pytest.mark.parametrize("value", [True, "always", {TOPIC: "always"}])
@pytest.mark.parametrize("attempt", [1, 2, 5])
async def test_a_task_marked_to_fail_always_fails_retryably_on_every_attempt(
    value: Any, attempt: int
) -> None:
    outcome = await demo_handler(TOPIC)(marked(value, attempt=attempt))
    assert isinstance(outcome, Failed) and outcome.retryable
    assert outcome.error.endswith(f"attempt {attempt}")


async def test_a_task_marked_to_fail_once_succeeds_on_its_retry() -> None:
    handle = demo_handler(TOPIC)
    assert isinstance(await handle(marked("once", attempt=1)), Failed)
    assert isinstance(await handle(marked("once", attempt=2)), Completed)


async def test_a_task_marked_permanent_fails_without_retry() -> None:
    outcome = await demo_handler(TOPIC)(marked("permanent"))
    assert outcome == Failed(
        f"simulated failure of {TOPIC} (simulateFailure: permanent)",
        retryable=False,
        error_type="PROVISIONING_FAILURE",
    )


@pytest.mark.parametrize("value", [False, "sometimes", {"demo.activate_billing": "always"}, 1])
async def test_other_marks_and_other_topics_marks_leave_the_task_to_succeed(value: Any) -> None:
    assert isinstance(await demo_handler(TOPIC)(marked(value)), Completed)
