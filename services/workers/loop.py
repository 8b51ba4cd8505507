"""The worker loop: fetch and lock up to the free slots, run each task's handler, keep its lock
while it runs, answer with its outcome; poll less often while there is nothing to do; stop
without leaving a task locked to a worker that is gone.

- **Slots.** At most `concurrency` handlers run at once; a fetch asks for `maxTasks` = the free
  slots, so a worker never holds a lock it has no slot to work on (another worker could).
- **Polling.** After an empty fetch the loop waits `poll_seconds`, doubling up to
  `max_poll_seconds` while fetches stay empty, and back to the first as soon as one returns
  work. A finished task wakes the loop at once (its completion may have made the next task of
  its order READY), and so does `wake()`: runtime.py calls it on every hint of new events
  from the broker, so a task made READY anywhere in the cluster is fetched at once, and the
  poll only finds what no event announces (a retry whose backoff ran out).
- **Long work.** Every third of its lock, a running task's lock is extended. An extension the
  service refuses (the lock expired and the sweeper gave the task to another attempt) cancels
  the handler: its answer would be refused too.
- **Answers** go through the source (the service calls, as the worker's user). An output the
  service refuses (too large, not JSON it keeps) becomes a failure that is not retried; a
  failure refused for its `error_type` is sent again without it. A CONFLICT (lock lost) is
  logged: the task is another attempt's now.
- **Stopping** (`stop` set): no more fetches; running handlers get `stop_grace_seconds` to
  finish and be answered; those still running are cancelled and released as retryable
  failures ("the worker stopped"), so another worker takes them after the backoff instead of
  after the lock expires. A worker killed outright releases nothing: its locks expire and the
  sweeper counts each as a retryable failure (services/automation/).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from services.errors import ConflictError, DomainError, ValidationError
from services.observability.metrics import WORKER_HANDLER_DURATION
from services.workers.jobs import Completed, Failed, Job, JsonValue, Outcome
from services.workers.registry import Registry

log = logging.getLogger(__name__)

STOPPED = "the worker stopped before the handler finished; released for another attempt"


class TaskSource(Protocol):
    """What the loop needs from the service: source.py makes these the service calls."""

    async def fetch(
        self, *, topics: Sequence[str], max_tasks: int, lock_seconds: int
    ) -> list[Job]: ...

    async def complete(self, job: Job, output: JsonValue) -> None: ...

    async def fail(self, job: Job, failure: Failed) -> None: ...

    async def extend(self, job: Job, lock_seconds: int) -> None: ...


@dataclass(frozen=True)
class WorkerOptions:
    worker_id: str
    concurrency: int = 4
    lock_seconds: int = 60
    poll_seconds: float = 0.5
    max_poll_seconds: float = 5.0
    stop_grace_seconds: float = 10.0


# Waits up to `seconds` or until `wake` is set; tests pass one that records and returns.
Pause = Callable[[float, asyncio.Event], Awaitable[None]]


async def wait_or_wake(seconds: float, wake: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(wake.wait(), timeout=seconds)


@dataclass
class _InFlight:
    job: Job
    work: asyncio.Task[Outcome]
    lost: bool = False


@dataclass
class WorkerStats:
    fetches: int = 0  # fetch calls made
    empty_fetches: int = 0  # of which returned nothing
    fetched: int = 0  # tasks the fetches locked
    completed: int = 0
    failed: int = 0
    released: int = 0
    lost: int = 0


class Worker:
    def __init__(
        self,
        source: TaskSource,
        registry: Registry,
        options: WorkerOptions,
        *,
        pause: Pause = wait_or_wake,
    ) -> None:
        if not len(registry):
            raise ValueError("A worker needs at least one handler.")
        self.source = source
        self.registry = registry
        self.options = options
        self.stats = WorkerStats()
        self._pause = pause
        self._wake = asyncio.Event()
        self._running: dict[asyncio.Task[None], _InFlight] = {}
        self._releasing = False

    def wake(self) -> None:
        """Fetch now rather than at the next poll (runtime.py: on a hint that events exist)."""
        self._wake.set()

    @property
    def busy(self) -> int:
        return len(self._running)

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, then finish or release what is running."""
        options = self.options
        delay = options.poll_seconds
        stopping = asyncio.create_task(self._wake_on(stop))
        try:
            while not stop.is_set():
                self._wake.clear()
                free = options.concurrency - len(self._running)
                if free <= 0:  # every slot busy: wait for one to free up
                    await self._pause(options.max_poll_seconds, self._wake)
                    continue
                jobs = await self._fetch(free)
                for job in jobs:
                    self._start(job)
                if stop.is_set():
                    break
                if len(jobs) == free:
                    continue
                # Less than asked for: there is no more work now. Poll again later, sooner
                # when a running task finishes (it may have released the next one).
                delay = options.poll_seconds if jobs else delay
                await self._pause(delay, self._wake)
                if not jobs:
                    delay = min(delay * 2, options.max_poll_seconds)
        finally:
            stopping.cancel()
            await self._drain()

    async def _wake_on(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._wake.set()

    async def _fetch(self, free: int) -> list[Job]:
        try:
            jobs = await self.source.fetch(
                topics=self.registry.topics, max_tasks=free, lock_seconds=self.options.lock_seconds
            )
        except Exception:  # the database may be away for a moment: poll again later
            log.exception("fetching tasks failed", extra={"worker_id": self.options.worker_id})
            return []
        self.stats.fetches += 1
        self.stats.empty_fetches += not jobs
        self.stats.fetched += len(jobs)
        return jobs

    def _start(self, job: Job) -> None:
        work = asyncio.create_task(self._outcome(job), name=f"handler-{job.number}")
        flight = _InFlight(job, work)
        runner = asyncio.create_task(self._run(flight), name=f"task-{job.number}")
        self._running[runner] = flight
        runner.add_done_callback(self._finished)

    def _finished(self, runner: asyncio.Task[None]) -> None:
        self._running.pop(runner, None)
        self._wake.set()
        if not runner.cancelled() and runner.exception() is not None:
            log.error("a task's runner failed", exc_info=runner.exception())

    async def _outcome(self, job: Job) -> Outcome:
        started, ended = time.perf_counter(), "cancelled"
        try:
            outcome = await self.registry.handler(job.topic)(job)
            ended = "completed" if isinstance(outcome, Completed) else "failed"
            return outcome
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a handler's bug is the task's retryable failure
            ended = "raised"
            log.exception("handler failed", extra={"task": job.number, "topic": job.topic})
            return Failed(f"the {job.topic} handler raised {type(error).__name__}", retryable=True)
        finally:
            elapsed = time.perf_counter() - started
            WORKER_HANDLER_DURATION.labels(job.topic, ended).observe(elapsed)

    async def _run(self, flight: _InFlight) -> None:
        job = flight.job
        heartbeat = asyncio.create_task(self._keep_locked(flight))
        try:
            await asyncio.wait({flight.work})
            # Returns as soon as the work is done, or once an extension under way has
            # finished: a service call is never cancelled halfway.
            await heartbeat
        finally:
            heartbeat.cancel()
        if flight.work.cancelled():
            if flight.lost:
                self.stats.lost += 1
            elif self._releasing:
                await self._fail(job, Failed(STOPPED, retryable=True))
                self.stats.released += 1
            return
        await self._answer(job, flight.work.result())

    async def _keep_locked(self, flight: _InFlight) -> None:
        job = flight.job
        while True:
            await asyncio.wait({flight.work}, timeout=max(job.lock_seconds / 3, 0.001))
            if flight.work.done():
                return
            try:
                await self.source.extend(job, self.options.lock_seconds)
            except DomainError as error:
                log.warning(
                    "lock lost; the handler is stopped",
                    extra={"task": job.number, "reason": error.message},
                )
                flight.lost = True
                flight.work.cancel()
                return
            except Exception:  # a moment without the database: try again at the next third
                log.exception("extending a lock failed", extra={"task": job.number})

    async def _answer(self, job: Job, outcome: Outcome) -> None:
        if isinstance(outcome, Completed):
            try:
                await self.source.complete(job, outcome.output)
                self.stats.completed += 1
                return
            except ValidationError as error:
                refused = f"the service refused the {job.topic} output: {error.message}"
                outcome = Failed(refused, retryable=False)
            except DomainError as error:
                self._unanswered(job, error)
                return
            except Exception:
                log.exception("completing a task failed", extra={"task": job.number})
                return
        await self._fail(job, outcome)

    async def _fail(self, job: Job, failure: Failed) -> None:
        try:
            try:
                await self.source.fail(job, failure)
            except ValidationError:
                if failure.error_type is None:
                    raise
                # An error type the service does not know: the failure still counts.
                await self.source.fail(job, Failed(failure.error, failure.retryable))
            self.stats.failed += 1
        except DomainError as error:
            self._unanswered(job, error)
        except Exception:
            log.exception("failing a task failed", extra={"task": job.number})

    def _unanswered(self, job: Job, error: DomainError) -> None:
        level = logging.INFO if isinstance(error, ConflictError) else logging.WARNING
        log.log(level, "answer refused", extra={"task": job.number, "reason": error.message})

    async def _drain(self) -> None:
        """Let running handlers finish within the grace, then release the rest."""
        if self._running:
            await asyncio.wait(set(self._running), timeout=self.options.stop_grace_seconds)
        self._releasing = True
        for flight in list(self._running.values()):
            flight.work.cancel()
        if self._running:
            await asyncio.wait(set(self._running))
