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
from typing import Any

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
    """What a real system would answer, derived from the task alone (same task, same output)."""
    digest = hashlib.sha256(f"{job.topic}:{job.number}".encode()).hexdigest()
    system = job.topic.split(".", 1)[0]
    output: dict[str, Any] = {"system": system, "reference": f"{system.upper()}-{digest[:10]}"}
    if "ipv6" in job.topic:
        output["prefix"] = f"2001:db8:{digest[:4]}:{digest[4:6]}00::/56"
    elif "msisdn" in job.topic or "number" in job.topic:
        output["number"] = "+4470" + str(int(digest[:12], 16))[:8].rjust(8, "0")
    elif "sim" in job.topic:
        output["iccid"] = "8944" + str(int(digest[:16], 16))[:15].rjust(15, "0")
    elif "port" in job.topic or "olt" in job.topic:
        output["port"] = f"OLT-{int(digest[:2], 16) % 16}/{int(digest[2:4], 16) % 64}"
    return output


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
