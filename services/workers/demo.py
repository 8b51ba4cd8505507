"""The demo catalog's handlers: they stand in for the inventory, network and billing systems of
a real operator, so that the embedded demo moves on its own.

Deterministic: a handler succeeds with an output made from the task (a reference, and what its
topic allocates), unless the line item's characteristics mark it to fail:

    simulateFailure: true | "always"   every attempt fails, retryably: after the template's
                                       max_attempts the task is ON_HOLD with a system fallout
    simulateFailure: "once"            the first attempt fails, the retry succeeds
    simulateFailure: "permanent"       fails without retry: fallout at once
    simulateFailure: {TOPIC: MODE, …}  only the tasks of those topics, each with its mode

A manager's RETRY_TASK with a corrected input (`simulateFailure: false`) lets it succeed.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Mapping
from functools import cache
from typing import Any

from models.enums import TaskKind
from services.catalog import DEMO_CATALOG_PATH, load_catalog
from services.workers.jobs import Completed, Failed, Handler, Job, Outcome

SIMULATE_FAILURE = "simulateFailure"
MODES = ("always", "once", "permanent")

Sleep = Callable[[float], Awaitable[None]]


def failure_mode(job: Job) -> str | None:
    """How the job is marked to fail (one of MODES), or None."""
    value: Any = job.characteristics.get(SIMULATE_FAILURE)
    if isinstance(value, Mapping):
        value = value.get(job.topic)
    if value is True:
        return "always"
    return value if isinstance(value, str) and value in MODES else None


def demo_output(job: Job) -> dict[str, Any]:
    """What a real system would answer, derived from the task alone (same task, same output):
    a reference in the system the topic names (`demo.allocate_resource` → ALLOCATE-…)."""
    digest = hashlib.sha256(f"{job.topic}:{job.number}".encode()).hexdigest()
    action = job.topic.rsplit(".", 1)[-1]
    return {"handler": job.topic, "reference": f"{action.split('_')[0].upper()}-{digest[:10]}"}


@cache
def demo_topics() -> tuple[str, ...]:
    """The handler topics of the demo catalog's automated templates."""
    document = load_catalog(DEMO_CATALOG_PATH)
    return tuple(
        sorted(
            {
                template.handler
                for spec in document.specifications
                for template in spec.task_templates
                if template.kind == TaskKind.AUTOMATED and template.handler
            }
        )
    )


def demo_handler(topic: str, *, seconds: float = 0.0, sleep: Sleep = asyncio.sleep) -> Handler:
    """The demo handler of `topic`: works `seconds` (so the plan shows it running), then
    answers as the job's characteristics say."""

    async def handle(job: Job) -> Outcome:
        if seconds:
            await sleep(seconds)
        mode = failure_mode(job)
        simulated = f"simulated failure of {topic} ({SIMULATE_FAILURE}: {mode})"
        if mode == "permanent":
            return Failed(simulated, retryable=False, error_type="PROVISIONING_FAILURE")
        if mode == "always" or (mode == "once" and job.attempt <= 1):
            return Failed(f"{simulated}, attempt {job.attempt}", retryable=True)
        return Completed(demo_output(job))

    return handle
