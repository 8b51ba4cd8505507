"""Hand-made task graphs and a consistent history generator for the pure schedule tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from services.schedule.schedule import Progress, ScheduleTask

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    """Minutes after T0."""
    return T0 + timedelta(minutes=minutes)


def todo(minutes: int, number: int = 0, *, not_before: int | None = None) -> ScheduleTask:
    """Not started; `not_before`: minutes after T0 of its next attempt (an automated retry)."""
    return ScheduleTask(
        number=f"TASK{number:07d}",
        duration_minutes=minutes,
        not_before=None if not_before is None else at(not_before),
    )


def done(minutes: int, started: int, ended: int) -> ScheduleTask:
    return ScheduleTask("TASK", minutes, Progress.DONE, at(started), at(ended))


def running(minutes: int, started: int, number: int = 0) -> ScheduleTask:
    return ScheduleTask(f"TASK{number:07d}", minutes, Progress.RUNNING, at(started))


def cancelled(minutes: int) -> ScheduleTask:
    return ScheduleTask("TASK", minutes, Progress.CANCELLED)


@dataclass(frozen=True)
class History:
    tasks: tuple[ScheduleTask, ...]
    dependencies: tuple[tuple[int, int], ...]
    now: datetime


@st.composite
def histories(draw: st.DrawFn, max_tasks: int = 12) -> History:
    """A DAG (edges only to lower indexes, so acyclic) and a history consistent with it: a task
    started only after all it waits on ended, at or before now; some of the tasks not started
    wait for a next attempt (an automated task's retry), passed or to come."""
    count = draw(st.integers(0, max_tasks))
    durations = [draw(st.integers(1, 120)) for _ in range(count)]
    dependencies = tuple(
        (task, depends_on)
        for task in range(count)
        for depends_on in range(task)
        if draw(st.integers(0, 2)) == 0
    )
    now = at(draw(st.integers(0, 600)))
    ended: dict[int, datetime] = {}
    tasks: list[ScheduleTask] = []
    for i in range(count):
        waits = [d for t, d in dependencies if t == i]
        free = all(d in ended for d in waits)
        ready = max((ended[d] for d in waits if d in ended), default=T0)
        number = f"TASK{i:07d}"
        kind = draw(st.sampled_from(["todo", "done", "running", "cancelled"]))
        if not free and kind != "cancelled":  # a task waiting on unfinished work can only wait
            kind = "todo"
        delay = timedelta(minutes=draw(st.integers(0, 90)))
        took = timedelta(minutes=draw(st.integers(0, 240)))
        if kind == "done" and ready + delay + took <= now:
            ended[i] = ready + delay + took
            tasks.append(ScheduleTask(number, durations[i], Progress.DONE, ready + delay, ended[i]))
        elif kind in ("done", "running") and ready + delay <= now:
            tasks.append(ScheduleTask(number, durations[i], Progress.RUNNING, ready + delay))
        elif kind == "cancelled":
            if free:
                ended[i] = ready
            tasks.append(ScheduleTask(number, durations[i], Progress.CANCELLED))
        else:
            retry = draw(st.one_of(st.none(), st.integers(-60, 180)))
            not_before = None if retry is None else now + timedelta(minutes=retry)
            tasks.append(ScheduleTask(number, durations[i], not_before=not_before))
    return History(tuple(tasks), dependencies, now)
