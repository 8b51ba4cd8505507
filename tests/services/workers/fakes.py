"""A fake of the service calls the worker makes (loop.TaskSource): READY jobs handed out once
each, and every answer kept in order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from services.errors import DomainError
from services.workers.jobs import Failed, Job, JsonValue


@dataclass
class FakeSource:
    ready: list[Job] = field(default_factory=list)
    answers: list[tuple[str, str, Any]] = field(default_factory=list)
    fetches: list[int] = field(default_factory=list)
    extended: asyncio.Event = field(default_factory=asyncio.Event)
    refuse_extension: DomainError | None = None
    refuse_completion: DomainError | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    async def fetch(self, *, topics: Sequence[str], max_tasks: int, lock_seconds: int) -> list[Job]:
        self.fetches.append(max_tasks)
        taken = [job for job in self.ready if job.topic in topics][:max_tasks]
        self.ready = [job for job in self.ready if job not in taken]
        return taken

    async def complete(self, job: Job, output: JsonValue) -> None:
        if self.refuse_completion is not None:
            raise self.refuse_completion
        self._answer("complete", job, output)

    async def fail(self, job: Job, failure: Failed) -> None:
        self._answer("fail", job, failure)

    async def extend(self, job: Job, lock_seconds: int) -> None:
        self.extended.set()
        if self.refuse_extension is not None:
            raise self.refuse_extension
        self.answers.append(("extend", job.number, lock_seconds))

    def _answer(self, kind: str, job: Job, value: Any) -> None:
        self.answers.append((kind, job.number, value))
        self.answered.set()


def job(number: str, topic: str = "demo.topic", *, attempt: int = 1, **context: Any) -> Job:
    return Job(
        task_id=int(number.removeprefix("TA")),
        number=number,
        topic=topic,
        attempt=attempt,
        lock_seconds=60,
        context={"task": {"number": number, "handler": topic, "attempt": attempt}, **context},
    )
