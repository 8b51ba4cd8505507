"""Writing an order's schedule and jeopardy back, in the transaction of the change that moved it.

`reschedule(uow, order)` is the one place: the rollup calls it at its end (services/rollup.py),
so every path that changes a task (approval's decomposition, start, complete, skip, fallout,
retry, and whatever new path rolls up: hold, resume, revision, cancellation, automated retries)
recomputes the schedule without knowing about it, and so does the jeopardy sweeper
(services/schedule/sweeper.py). It reads the order's tasks and edges (two statements, by index),
runs the pure functions (schedule.py, jeopardy.py) and writes only what moved: the task rows
whose schedule or jeopardy changed (one statement, storage.py), the order's columns if they
changed, and `task.jeopardy_changed` / `service_order.jeopardy_changed` events only where a
level changed. Why a whole recompute rather than an incremental one: a change moves every
planned date downstream of it, and the start of every task that waits for the clock, so an
incremental pass has to visit the same tasks; the pure pass costs ~5 ms on an 800-task order
(bench/schedule.py) and the writes are bounded by what actually changed (bench/volume.py
measures an 800-task order's completeTask with it).

Derived columns: the schedule and jeopardy are the service's reading of the plan, not an
actor's change, so writing them does not bump `version` (an agent's `expectedVersion` is not
made stale by the clock).

Holds: the order's `held_seconds` (holds that ended) and `held_at` (the hold still open) are
the held intervals (`holds_of`); the due dates move later by the time held (schedule.py).

Time: `uow.started_at` (services.clock), never earlier than the order's `scheduled_at`: a clock
that goes backwards plans nothing earlier than what was already planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models import ServiceOrder, Task
from models.enums import JeopardyLevel, TaskState
from services.events.kinds import EventKind
from services.events.recorders import record_order, record_task
from services.observability.metrics import JEOPARDY_CHANGES
from services.schedule.jeopardy import Assessment, jeopardy
from services.schedule.schedule import (
    MINUTE,
    ZERO,
    HeldInterval,
    Progress,
    Schedule,
    ScheduleTask,
    TaskSchedule,
    schedule,
)
from services.schedule.storage import (
    SCHEDULE_COLUMNS,
    StoredTask,
    TaskScheduleRow,
    read_tasks,
    write_task_schedules,
)
from services.unit_of_work import UnitOfWork

_PROGRESS = {
    TaskState.PENDING: Progress.NOT_STARTED,
    TaskState.READY: Progress.NOT_STARTED,
    TaskState.IN_PROGRESS: Progress.RUNNING,
    TaskState.ON_HOLD: Progress.RUNNING,  # NOT_STARTED when fallout held it before its start
    TaskState.COMPLETED: Progress.DONE,
    TaskState.SKIPPED: Progress.DONE,
    TaskState.CANCELLED: Progress.CANCELLED,
}

# What the schedule writes of a task, in this order (storage.py).
SCHEDULE_FIELDS = SCHEDULE_COLUMNS
# What it writes of the order.
ORDER_SCHEDULE_FIELDS = [
    "expected_completion_at",
    "jeopardy",
    "jeopardy_reason",
    "lateness_minutes",
    "next_jeopardy_check_at",
    "scheduled_at",
]


def holds_of(order: ServiceOrder, now: datetime) -> list[HeldInterval]:
    """The order's held time as intervals: the holds that ended (their total, as one interval
    ending where the open hold began, or now) and the hold still open."""
    held_at, held_seconds = order.held_at, order.held_seconds
    holds: list[HeldInterval] = []
    anchor = held_at if held_at is not None else now
    if held_seconds:
        holds.append(HeldInterval(anchor - timedelta(seconds=held_seconds), anchor))
    if held_at is not None:
        holds.append(HeldInterval(held_at, None))
    return holds


def schedule_inputs(rows: list[StoredTask]) -> list[ScheduleTask]:
    tasks = []
    for row in rows:
        progress = _PROGRESS[row.state]
        started = row.started_at
        if progress is Progress.RUNNING and started is None:
            progress = Progress.NOT_STARTED
        if progress is Progress.NOT_STARTED:
            # A retried task starts afresh: its earlier attempt's start plans nothing.
            started = None
        ended = row.completed_at if progress is Progress.DONE else None
        # A task waiting for its next attempt (services/automation/fail.py) starts no earlier.
        not_before = row.next_attempt_at if progress is Progress.NOT_STARTED else None
        tasks.append(
            ScheduleTask(
                row.number, row.expected_duration_minutes, progress, started, ended, not_before
            )
        )
    return tasks


@dataclass(frozen=True)
class Computed:
    rows: list[StoredTask]  # as stored, in id order
    tasks: list[ScheduleTask]  # the schedule's inputs, indexed like rows
    plan: Schedule


async def compute(order: ServiceOrder, now: datetime) -> Computed:
    """The order's tasks and their schedule at `now` (never before `scheduled_at`)."""
    rows, edges = await read_tasks(order.id)
    index = {row.id: i for i, row in enumerate(rows)}
    dependencies = [(index[task], index[depends_on]) for task, depends_on in edges]
    if order.scheduled_at is not None and order.scheduled_at > now:
        now = order.scheduled_at
    tasks = schedule_inputs(rows)
    plan = schedule(
        tasks,
        dependencies,
        now=now,
        due=order.requested_completion_date,
        held=holds_of(order, now),
    )
    return Computed(rows, tasks, plan)


async def reschedule(uow: UnitOfWork, order: ServiceOrder) -> None:
    """Recompute `order`'s schedule and jeopardy (the order locked by the caller) and write what
    changed, with an event for each level that changed."""
    computed = await compute(order, uow.started_at)
    plan = computed.plan
    assessed = jeopardy(computed.tasks, plan)
    changed: list[TaskScheduleRow] = []
    lateness_of_tasks = 0
    for row, task_input, planned, assessment in zip(
        computed.rows, computed.tasks, plan.tasks, assessed.tasks, strict=True
    ):
        lateness = _task_lateness(task_input, planned, plan.now)
        if assessment.level is not JeopardyLevel.NONE:
            lateness_of_tasks = max(lateness_of_tasks, lateness)
        new = (
            planned.planned_start,
            planned.planned_end,
            planned.due_at,
            planned.slack_minutes,
            planned.on_critical_path,
            assessment.level,
            assessment.reason,
            lateness,
        )
        if row.schedule == new:
            continue
        changed.append((row.id, *new))
        live = uow.tasks.get(row.id)
        if live is not None:  # the object the service changed (and returns): keep it true
            for name, value in zip(SCHEDULE_FIELDS, new, strict=True):
                setattr(live, name, value)
        if row.jeopardy is not assessment.level:
            record_task(
                uow,
                EventKind.TASK_JEOPARDY_CHANGED,
                live if live is not None else _task_of(row, new),
                previous_state=row.state,
                **_jeopardy_details(assessment, row.jeopardy, planned.due_at),
            )
            _count_change(uow, "task", assessment.level)
    await write_task_schedules(changed)
    await _write_order(uow, order, plan, assessed.order, assessed.next_check_at, lateness_of_tasks)


async def _write_order(
    uow: UnitOfWork,
    order: ServiceOrder,
    plan: Schedule,
    assessment: Assessment,
    next_check: datetime | None,
    lateness_of_tasks: int,
) -> None:
    lateness = lateness_of_tasks
    if plan.complete:
        lateness = 0
    elif plan.due is not None and plan.expected_completion is not None:
        lateness = max((plan.expected_completion - plan.due) // MINUTE, 0)
    previous_level = order.jeopardy
    new = (
        plan.expected_completion,
        assessment.level,
        assessment.reason,
        lateness,
        next_check,
    )
    old = (
        order.expected_completion_at,
        order.jeopardy,
        order.jeopardy_reason,
        order.lateness_minutes,
        order.next_jeopardy_check_at,
    )
    if old == new and order.scheduled_at is not None and order.scheduled_at >= plan.now:
        return
    (
        order.expected_completion_at,
        order.jeopardy,
        order.jeopardy_reason,
        order.lateness_minutes,
        order.next_jeopardy_check_at,
    ) = new
    order.scheduled_at = plan.now
    await order.save(update_fields=ORDER_SCHEDULE_FIELDS)
    if previous_level is not assessment.level:
        record_order(
            uow,
            EventKind.SERVICE_ORDER_JEOPARDY_CHANGED,
            order,
            previous_state=order.state,
            **_jeopardy_details(assessment, previous_level, plan.due),
            expectedCompletionAt=_iso(plan.expected_completion),
        )
        _count_change(uow, "order", assessment.level)


def _count_change(uow: UnitOfWork, entity: str, level: JeopardyLevel) -> None:
    """A level change, counted once the change's transaction has committed."""
    uow.committed.append(JEOPARDY_CHANGES.labels(entity, level.value).inc)


def _task_lateness(task: ScheduleTask, planned: TaskSchedule, now: datetime) -> int:
    """Minutes it is planned to end after its due date, or has run past its planned end."""
    if task.progress is Progress.DONE or task.progress is Progress.CANCELLED:
        return 0
    late = ZERO
    if planned.due_at is not None:
        late = planned.planned_end - planned.due_at
    if task.progress is Progress.RUNNING and task.started_at is not None:
        late = max(late, now - task.started_at - task.duration_minutes * MINUTE)
    return max(late // MINUTE, 0)


def _jeopardy_details(
    assessment: Assessment, previous: JeopardyLevel, due: datetime | None
) -> dict[str, str | None]:
    return {
        "jeopardy": assessment.level.value,
        "previousJeopardy": previous.value,
        "jeopardyReason": assessment.reason,
        "dueAt": _iso(due),
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _task_of(row: StoredTask, schedule_values: tuple[Any, ...]) -> Task:
    """A Task in memory for the recorder (no read of the row)."""
    task = Task(
        id=row.id,
        number=row.number,
        state=row.state,
        assignee_id=row.assignee_id,
        version=row.version,
        attempts=row.attempts,
        domain_order_id=row.domain_order_id,
        service_order_id=row.service_order_id,
    )
    for name, value in zip(SCHEDULE_FIELDS, schedule_values, strict=True):
        setattr(task, name, value)
    return task
