"""The sweepers every serving or worker process runs, each on one process at a time.

A sweeper is a name, an interval and a pass (`sweep() -> how many things it changed`). Each
process tries every interval to hold the sweeper's lease (services/sweeping/lease.py) for
three intervals and runs the pass only while it holds it; a process that dies stops renewing
and another takes over within three intervals. A pass must be safe to run twice at once
anyway (the moment a lease changes hands): it takes the normal order lock and re-checks state
inside its unit of work.

A new sweeper is one entry of SWEEPERS; its pass lives in the module of the rule it applies.
"""

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from services.automation.expiry import SWEEP_INTERVAL_SECONDS, expire_locks
from services.observability.metrics import (
    SWEEP_CHANGED,
    SWEEP_DURATION,
    SWEEP_PASS_OUTCOMES,
    SWEEP_PASSES,
)
from services.schedule import sweeper as jeopardy_sweeper
from services.sweeping.lease import hold_lease, release_lease

log = logging.getLogger(__name__)

# Unique per process, readable in the lease table: host, pid and a random part (pids repeat
# across containers).
PROCESS_HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Sweeper:
    name: str
    interval_seconds: float
    sweep: Callable[[], Awaitable[int]]


SWEEPERS: tuple[Sweeper, ...] = (
    Sweeper("automation.lock_expiry", SWEEP_INTERVAL_SECONDS, expire_locks),
    Sweeper("jeopardy", jeopardy_sweeper.INTERVAL_SECONDS, jeopardy_sweeper.sweep_jeopardy),
)

# Every sweeper's series exist from the start (at 0), so that "no pass ran" is a zero increase
# rather than a missing series (README, Operations, Alerts).
for _sweeper in SWEEPERS:
    SWEEP_CHANGED.labels(_sweeper.name)
    for _outcome in SWEEP_PASS_OUTCOMES:
        SWEEP_PASSES.labels(_sweeper.name, _outcome)


async def sweep_once(sweeper: Sweeper, holder: str = PROCESS_HOLDER) -> int | None:
    """One pass if `holder` holds (or can take) the sweeper's lease: how many things it
    changed, or None when another process holds the lease.

    Counted by outcome (`ran`, `not_leader`, `failed`: the lease or the pass raised), with the
    pass's duration and what it changed (README, Operations)."""
    try:
        if not await hold_lease(sweeper.name, holder, seconds=3 * sweeper.interval_seconds):
            SWEEP_PASSES.labels(sweeper.name, "not_leader").inc()
            return None
        started = time.perf_counter()
        changed = await sweeper.sweep()
    except Exception:
        SWEEP_PASSES.labels(sweeper.name, "failed").inc()
        raise
    SWEEP_DURATION.labels(sweeper.name).observe(time.perf_counter() - started)
    SWEEP_PASSES.labels(sweeper.name, "ran").inc()
    SWEEP_CHANGED.labels(sweeper.name).inc(changed)
    return changed


async def run_sweeper(sweeper: Sweeper, stop: asyncio.Event, holder: str = PROCESS_HOLDER) -> None:
    while not stop.is_set():
        try:
            changed = await sweep_once(sweeper, holder)
            if changed:
                log.info("sweeper pass", extra={"sweeper": sweeper.name, "changed": changed})
        except Exception:  # a failed pass is logged; the next one tries again
            log.exception("sweeper pass failed", extra={"sweeper": sweeper.name})
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), sweeper.interval_seconds)
    with suppress(Exception):  # best effort: the lease expires anyway
        await release_lease(sweeper.name, holder)


async def run_sweepers(stop: asyncio.Event, sweepers: Sequence[Sweeper] | None = None) -> None:
    """Run every sweeper until `stop` is set (the server's lifespan, `server.py worker`)."""
    chosen = SWEEPERS if sweepers is None else sweepers
    await asyncio.gather(*(run_sweeper(sweeper, stop) for sweeper in chosen))


@asynccontextmanager
async def sweeping(sweepers: Sequence[Sweeper] | None = None) -> AsyncIterator[None]:
    """The sweepers running in the background for as long as the block lasts."""
    stop = asyncio.Event()
    running = asyncio.create_task(run_sweepers(stop, sweepers), name="sweepers")
    try:
        yield
    finally:
        stop.set()
        await running
