"""Closed-loop load: `concurrency` clients, each sending its next request as soon as the last
one is answered, until a request count or a time limit is reached; and the figures of it."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """Latencies in seconds and how long the whole run took."""

    latencies: list[float]
    elapsed: float
    # CPU seconds the serving process spent meanwhile, when known: unlike latencies, hardly
    # moved by whatever else the machine runs.
    cpu: float | None = None

    @classmethod
    def merged(cls, samples: list[Sample]) -> Sample:
        """Rounds of one measurement taken apart (interleaved with others) as one."""
        cpus = [s.cpu for s in samples]
        cpu = None if None in cpus else sum(c for c in cpus if c is not None)
        return cls([t for s in samples for t in s.latencies], sum(s.elapsed for s in samples), cpu)

    @property
    def cpu_per_call(self) -> float:
        return self.cpu / self.count if self.cpu is not None and self.count else float("nan")

    @property
    def count(self) -> int:
        return len(self.latencies)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(0.95)

    @property
    def p99(self) -> float:
        return self.percentile(0.99)

    @property
    def per_second(self) -> float:
        return self.count / self.elapsed if self.elapsed > 0 else float("nan")


async def closed_loop(
    send: Callable[[int], Awaitable[None]],
    *,
    concurrency: int,
    requests: int,
    time_limit: float,
) -> Sample:
    """Run `send(i)` for i = 0, 1, … from `concurrency` clients; every call is timed."""
    latencies: list[float] = []
    next_index = 0
    started = time.perf_counter()
    deadline = started + time_limit

    async def client() -> None:
        nonlocal next_index
        while next_index < requests and time.perf_counter() < deadline:
            index, next_index = next_index, next_index + 1
            begin = time.perf_counter()
            await send(index)
            latencies.append(time.perf_counter() - begin)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return Sample(latencies, time.perf_counter() - started)


def timed_calls(call: Callable[[], object], *, requests: int, time_limit: float) -> Sample:
    """A synchronous call, repeated one after another (for in-process baselines)."""
    latencies: list[float] = []
    started, cpu = time.perf_counter(), time.process_time()
    deadline = started + time_limit
    while len(latencies) < requests and time.perf_counter() < deadline:
        begin = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - begin)
    return Sample(latencies, time.perf_counter() - started, time.process_time() - cpu)
