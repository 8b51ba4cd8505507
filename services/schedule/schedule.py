"""An order's live schedule: planned dates, expected completion, critical path, slack, due dates.

A pure function of the task graph, the actuals, the order's holds and due date and the clock, so
that every rule of issue 14 ("Dates and jeopardy") is tested without a database; the future
service loads the rows, calls `schedule()` in the transaction of each change and writes back
what moved.

The rules (issue 14, "What it must deliver" 1 and 2; DESIGN.md, "Time"):
- the graph is the order's whole task DAG, edges `(task, depends_on)` finish-to-start, across
  domain orders as freely as within one: decomposition already turned the tree into edges, so a
  domain order is no unit of scheduling here;
- forward pass: a task cannot start before everything it waits on has ended (its planned end:
  the actual end for a done task) nor, if it has not started, before now, nor before its
  `not_before` (an automated task's next attempt after a retryable failure: the backoff is
  time the retry consumes);
- a DONE task (COMPLETED or SKIPPED) is planned on its actuals (a skipped task without a start
  took no time: it starts when it ended);
- a RUNNING task (IN_PROGRESS, or ON_HOLD on a fallout: started, not finished) starts at its
  actual start and ends at start + duration, or now once that has passed while it still runs;
- a CANCELLED task takes no time and waits for nothing new: it starts and ends when the last
  thing it waits on ends (or at the schedule's origin if it waits on nothing), so it neither
  delays its dependents nor moves the completion;
- the expected completion is the latest planned end; None without a task that is not cancelled;
- the critical path is one chain of tasks, each starting exactly when the one before ends, from a
  task whose start nothing else holds back (now, its actual start or its next attempt) to one
  that ends at the
  expected completion; ties go to the lowest index, so the path is deterministic;
- slack (total float) is how much later a task could end without moving the expected
  completion: latest finish (backward pass from the expected completion over the tasks'
  planned durations) - planned end. It is ≥ 0, and 0 exactly on the critical chains
  (`on_critical_path`); kept exact as a timedelta, `slack_minutes` rounds it down;
- due dates: a task's `due_at` is its latest finish that still meets the order's due date (the
  same backward pass, from the due date instead of the completion, so due_at = planned end +
  slack + (due - expected completion)); None without a due date;
- holds ("time held does not count"): no task starts while the order is held, and the order's
  due date moves later by the time it has been held (a hold still open counts up to now). So
  while held, the unstarted work slides with the clock (it cannot start before now) and so does
  the due date: a hold neither makes the order late nor eats its margin, while work already
  running keeps its clock (in-progress work may complete while held, lifecycle design §1);
- a clock that goes backwards changes nothing: the clock used is the latest of `now` and every
  recorded fact (actual start or end, hold start or end), so a schedule is never planned before
  something that has already happened. The service should also pass the latest `now` it has
  used for the order (a high-water mark) so that two calls in a row never move backwards.

Cost: O(V + E), one topological pass forwards and one backwards over flat lists indexed like
the input, no allocation per edge. The input is built from rows without joins (tasks in any
order, edges as index pairs), so the service can recompute an 800-task order's schedule inside
each change's transaction (bench/schedule.py measures it: see docs/DEVELOPING.md).

`now_bound_end` is what the jeopardy sweeper needs to find when a level changes by time alone:
each planned end, as a function of a later clock t, is max(planned end, now_bound_end + (t -
now)) — the part of its chain held back by the clock grows with it, the rest stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import NamedTuple


class CycleError(RuntimeError):
    """The task graph has a cycle. Decomposition checks the graph is acyclic, so meeting it is
    a bug (like planning.PlanError, which is not imported here: the rollup imports this module,
    and services.orders imports the rollup)."""


MINUTE = timedelta(minutes=1)
ZERO = timedelta(0)
# The calendar's last instant: a requested date may be that far away (services/inputs.py).
LATEST = datetime.max.replace(tzinfo=UTC)


def later(at: datetime, delta: timedelta) -> datetime:
    """`at` + `delta`, or the calendar's last instant if that would leave the calendar: a due
    date in year 9999 moved by a hold, or a threshold days after it, is just "never"."""
    try:
        return at + delta
    except OverflowError:
        return LATEST


class Progress(Enum):
    """Where a task is, as far as the schedule cares (the service maps TaskState onto it)."""

    NOT_STARTED = "NOT_STARTED"  # PENDING, READY
    RUNNING = "RUNNING"  # IN_PROGRESS, ON_HOLD
    DONE = "DONE"  # COMPLETED, SKIPPED
    CANCELLED = "CANCELLED"


_FINAL = frozenset({Progress.DONE, Progress.CANCELLED})


@dataclass(frozen=True, slots=True)
class ScheduleTask:
    """One task row as the schedule needs it; datetimes are aware, in UTC."""

    number: str
    duration_minutes: int
    progress: Progress = Progress.NOT_STARTED
    started_at: datetime | None = None  # RUNNING, DONE (None for a task skipped unstarted)
    ended_at: datetime | None = None  # DONE
    # NOT_STARTED: the earliest it may start (an automated task's next attempt), if any.
    not_before: datetime | None = None


@dataclass(frozen=True, slots=True)
class HeldInterval:
    start: datetime
    end: datetime | None = None  # None: still held


class TaskSchedule(NamedTuple):
    # A NamedTuple, not a frozen dataclass: one per task per change, and three times cheaper
    # to make.
    planned_start: datetime
    planned_end: datetime
    slack: timedelta
    due_at: datetime | None
    # The planned end's part held back by the clock (see the module docstring); None if the
    # clock holds nothing of its chain back (its chain is done, running to plan, or cancelled).
    now_bound_end: datetime | None

    @property
    def on_critical_path(self) -> bool:
        return self.slack == ZERO

    @property
    def slack_minutes(self) -> int:
        return self.slack // MINUTE


@dataclass(frozen=True, slots=True)
class Schedule:
    now: datetime  # the clock used: never before a recorded fact
    tasks: tuple[TaskSchedule, ...]  # indexed like the input tasks
    expected_completion: datetime | None
    critical_path: tuple[int, ...]  # indexes into tasks, first to last
    due: datetime | None  # the order's due date, moved by the time held
    held: timedelta  # the time held so far
    on_hold: bool  # a hold is open: the due dates move with the clock
    complete: bool  # every task is done or cancelled: nothing is left to schedule


def schedule(
    tasks: Sequence[ScheduleTask],
    dependencies: Sequence[tuple[int, int]],
    *,
    now: datetime,
    due: datetime | None = None,
    held: Sequence[HeldInterval] = (),
) -> Schedule:
    """The order's schedule at `now`. `dependencies` are (task, depends_on) indexes into `tasks`.

    Raises CycleError if the graph has a cycle (some tasks could never start).
    """
    now = _clock(tasks, held, now)
    count = len(tasks)
    successors: list[list[int]] = [[] for _ in range(count)]
    predecessors: list[list[int]] = [[] for _ in range(count)]
    for waiter, depends_on in dependencies:
        successors[depends_on].append(waiter)
        predecessors[waiter].append(depends_on)
    order = _topological_order(successors, predecessors)
    # Where a cancelled task that waits on nothing sits: no later than any planned start, so
    # it can move nothing.
    origin = min((t.started_at for t in tasks if t.started_at is not None), default=now)

    start: list[datetime] = [now] * count
    end: list[datetime] = [now] * count
    bound: list[datetime | None] = [None] * count
    # Plain loops rather than max() over generators: this is the hot path (bench/schedule.py).
    for i in order:
        ready: datetime | None = None
        ready_bound: datetime | None = None
        for p in predecessors[i]:
            if ready is None or end[p] > ready:
                ready = end[p]
            b = bound[p]
            if b is not None and (ready_bound is None or b > ready_bound):
                ready_bound = b
        task = tasks[i]
        progress = task.progress
        if progress is Progress.NOT_STARTED:
            duration = task.duration_minutes * MINUTE
            first = now if ready is None or ready < now else ready
            not_before = task.not_before
            if not_before is not None and not_before > first:
                first = not_before
            start[i] = first
            end[i] = first + duration
            # The clock-bound part is the same: a fixed next attempt stays put as time passes.
            bound[i] = (now if ready_bound is None or ready_bound < now else ready_bound) + duration
        elif progress is Progress.DONE:
            finished = task.ended_at or now
            start[i], end[i] = task.started_at or finished, finished
        elif progress is Progress.RUNNING:
            begun = task.started_at or now
            start[i] = begun
            end[i] = max(begun + task.duration_minutes * MINUTE, now)
            bound[i] = now
        else:  # CANCELLED
            start[i] = end[i] = origin if ready is None else ready
            bound[i] = ready_bound

    live = [i for i in range(count) if tasks[i].progress is not Progress.CANCELLED]
    completion = max((end[i] for i in live), default=None)
    horizon = completion if completion is not None else now
    latest: list[datetime] = [horizon] * count
    latest_start: list[datetime] = [horizon] * count
    for i in reversed(order):
        finish = horizon
        for s in successors[i]:
            if latest_start[s] < finish:
                finish = latest_start[s]
        latest[i] = finish
        latest_start[i] = finish - (end[i] - start[i])

    held_time = _held_time(held, now)
    due_moved = None if due is None else later(due, held_time)
    shift = None if due_moved is None else due_moved - horizon
    return Schedule(
        now=now,
        tasks=tuple(
            TaskSchedule(
                planned_start=start[i],
                planned_end=end[i],
                slack=latest[i] - end[i],
                due_at=None if shift is None else latest[i] + shift,
                now_bound_end=bound[i],
            )
            for i in range(count)
        ),
        expected_completion=completion,
        critical_path=_critical_path(live, predecessors, start, end, completion),
        due=due_moved,
        held=held_time,
        on_hold=any(interval.end is None for interval in held),
        complete=all(t.progress in _FINAL for t in tasks),
    )


def _clock(tasks: Sequence[ScheduleTask], held: Sequence[HeldInterval], now: datetime) -> datetime:
    facts = [now]
    facts.extend(t.started_at for t in tasks if t.started_at is not None)
    facts.extend(t.ended_at for t in tasks if t.ended_at is not None)
    for interval in held:
        facts.append(interval.start)
        if interval.end is not None:
            facts.append(interval.end)
    return max(facts)


def _held_time(held: Sequence[HeldInterval], now: datetime) -> timedelta:
    return sum(((interval.end or now) - interval.start for interval in held), ZERO)


def _topological_order(successors: list[list[int]], predecessors: list[list[int]]) -> list[int]:
    waiting = [len(p) for p in predecessors]
    order = [i for i, n in enumerate(waiting) if n == 0]
    # `order` doubles as the queue: a task is appended once all it waits on is in it.
    for task in order:
        for successor in successors[task]:
            waiting[successor] -= 1
            if waiting[successor] == 0:
                order.append(successor)
    if len(order) < len(successors):
        raise CycleError("The task graph has a cycle: some tasks could never start.")
    return order


def _critical_path(
    live: list[int],
    predecessors: list[list[int]],
    start: list[datetime],
    end: list[datetime],
    completion: datetime | None,
) -> tuple[int, ...]:
    if completion is None:
        return ()
    task = next(i for i in live if end[i] == completion)
    path = [task]
    while True:
        tight = [p for p in predecessors[task] if end[p] == start[task]]
        if not tight:
            break
        task = min(tight)
        path.append(task)
    return tuple(reversed(path))
