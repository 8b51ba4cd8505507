"""Jeopardy: how late an order and each of its tasks are, in one place.

A pure function of a `Schedule` (schedule.py) and the tasks it was computed from, so the rules
are tested without a database; the service writes the levels in the transaction of each change,
and a sweeper re-evaluates an order when `next_threshold_at` (an indexed column) has come.

Levels, lowest to highest: NONE < AT_RISK < LATE < CRITICAL. Each rule below is "a quantity
that only grows with time has reached a threshold"; the level is that of the highest rule that
holds, its reason the first such rule's, in this order (issue 14, "Jeopardy"):

An unfinished task (not started, or running):
- CRITICAL: its due date (latest finish that meets the order's due date) has passed;
- CRITICAL: it runs `critical_overrun` or more past its planned end (start + duration);
- LATE: it is planned to end `late_after` or more after its due date;
- LATE: it runs `late_after` or more past its planned end;
- AT_RISK: it is planned to end less than `at_risk_margin` before its due date.
A done or cancelled task is NONE: jeopardy is about what is left to do.

The order, if it has a due date (its requestedCompletionDate, moved by the time held):
- CRITICAL: the due date has passed and the order is not complete;
- CRITICAL: its expected completion is `critical_lateness` or more after its due date;
- LATE: its expected completion is `late_after` or more after its due date;
- AT_RISK: its expected completion is less than `at_risk_margin` before its due date.
Without a due date an order is as late as its latest task (and says which). A complete order is
NONE, however late it finished.

Proposed defaults (`DEFAULT_RULES`): at_risk_margin 1 day (a working day's notice to act),
late_after 1 minute (durations are whole minutes: less is rounding), critical_lateness 2 days,
critical_overrun 1 day. Calendar time: no working hours or holidays yet.

Monotone in time: for a fixed plan (no change, no hold open), planned ends only grow with the
clock and due dates stay, so no level ever falls as time passes alone; a change may lower one.
`next_threshold_at` is the first instant after `now` at which a rule of a higher level than the
current one starts to hold for the order or any task: a planned end grows as max(planned end,
now-bound end + elapsed) (schedule.py), so each crossing is one subtraction, O(V) in all.
While a hold is open the due dates move with the clock, so due-based levels cannot rise (they
may fall, which the resume, a change, recomputes); only the overrun rules give thresholds then.

`next_check_at`, what the order stores for the sweeper, is the earlier of `next_threshold_at`
and the expected completion of an order not complete: once the completion has passed with work
still left, the plan has slipped (every unfinished task's planned end was at or after the
schedule's `now`, and none can end before the clock), so the stored dates are stale and are
recomputed, at the instant they have slipped and not before. That holds for a held order too
(no task starts while held: its unstarted work slides with the clock). An order on plan is not
re-read by time alone until its dates would be wrong; one whose work is late is re-read once
per slip (every sweep while a running task overruns the end of the chain, since its planned
end is the clock).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.enums import JEOPARDY_LEVELS, JeopardyLevel
from services.schedule.schedule import (
    MINUTE,
    Progress,
    Schedule,
    ScheduleTask,
    TaskSchedule,
    later,
)

# The levels are models.enums.JeopardyLevel (stored on orders and tasks, shown by the API).
NONE, AT_RISK, LATE, CRITICAL = _LEVELS = JEOPARDY_LEVELS


@dataclass(frozen=True, slots=True)
class JeopardyRules:
    at_risk_margin: timedelta = timedelta(days=1)
    late_after: timedelta = MINUTE
    critical_lateness: timedelta = timedelta(days=2)
    critical_overrun: timedelta = timedelta(days=1)


DEFAULT_RULES = JeopardyRules()


@dataclass(frozen=True, slots=True)
class Assessment:
    level: JeopardyLevel
    reason: str  # empty for NONE


@dataclass(frozen=True, slots=True)
class Jeopardy:
    order: Assessment
    tasks: tuple[Assessment, ...]  # indexed like the schedule's tasks
    next_threshold_at: datetime | None  # None: time alone changes no level
    # The earlier of next_threshold_at and the expected completion (unless complete): when the
    # stored schedule must be recomputed. None: time alone changes neither a level nor a date.
    next_check_at: datetime | None


ON_TIME = Assessment(NONE, "")

# The reasons, by rule; formatted only for the rule that gives the level (the hot path is the
# task that is on time, which formats nothing).
_DUE_PASSED, _OVERRUN, _ENDS_AFTER_DUE, _ENDS_NEAR_DUE, _COMPLETES_LATE, _COMPLETES_NEAR = range(6)

# (rank, rule, value now, the value's part that grows with the clock or None, threshold):
# the rule holds once value(t) = max(value now, bound + (t - now)) reaches the threshold.
# Listed highest rank first, so the first holding rule gives both the level and the reason.
_Rule = tuple[int, int, datetime, datetime | None, datetime]


def jeopardy(
    tasks: Sequence[ScheduleTask], plan: Schedule, rules: JeopardyRules = DEFAULT_RULES
) -> Jeopardy:
    """The jeopardy of the order and of each task, for the schedule `plan` of `tasks`."""
    now = plan.now
    assessor = _Assessor(now)
    assessed = tuple(
        assessor.assess(_task_rules(task, planned, plan, rules), task, planned, plan)
        for task, planned in zip(tasks, plan.tasks, strict=True)
    )
    if plan.complete:
        order = ON_TIME
    elif plan.due is not None:
        order = assessor.assess(_order_rules(plan, rules), None, None, plan)
    else:
        order = max(assessed, key=lambda a: a.level.rank, default=ON_TIME)
    return Jeopardy(
        order=order,
        tasks=assessed,
        next_threshold_at=assessor.next_at,
        next_check_at=next_check(plan, assessor.next_at),
    )


def next_check(plan: Schedule, next_threshold_at: datetime | None) -> datetime | None:
    """When the schedule must be recomputed: at the next threshold, or once the expected
    completion of an order with work left has passed (its dates have slipped), if earlier."""
    completion = plan.expected_completion
    if plan.complete or completion is None:
        return next_threshold_at
    if next_threshold_at is None or completion < next_threshold_at:
        return completion
    return next_threshold_at


class _Assessor:
    """Levels from rules, keeping the earliest crossing that would raise one."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.next_at: datetime | None = None

    def assess(
        self,
        rules: list[_Rule],
        task: ScheduleTask | None,
        planned: TaskSchedule | None,
        plan: Schedule,
    ) -> Assessment:
        held = next((r for r in rules if r[2] >= r[4] or (r[3] is not None and r[3] >= r[4])), None)
        level = 0 if held is None else held[0]
        for rank, _, _, bound, threshold in rules:
            if rank <= level:  # listed highest first: the rest cannot raise the level
                break
            if bound is not None:
                at = later(self.now, threshold - bound)
                if self.next_at is None or at < self.next_at:
                    self.next_at = at
        if held is None:
            return ON_TIME
        return Assessment(_LEVELS[held[0]], _reason(held[1], task, planned, plan))


def _order_rules(plan: Schedule, rules: JeopardyRules) -> list[_Rule]:
    due, now, completion = plan.due, plan.now, plan.expected_completion
    assert due is not None and completion is not None
    bound = max((b for t in plan.tasks if (b := t.now_bound_end) is not None), default=None)
    clock: datetime | None = now
    if plan.on_hold:  # the due date moves with the clock: lateness does not grow
        bound = clock = None
    return [
        (3, _DUE_PASSED, now, clock, due),
        (3, _COMPLETES_LATE, completion, bound, later(due, rules.critical_lateness)),
        (2, _COMPLETES_LATE, completion, bound, later(due, rules.late_after)),
        (1, _COMPLETES_NEAR, completion, bound, due - rules.at_risk_margin),
    ]


def _task_rules(
    task: ScheduleTask, planned: TaskSchedule, plan: Schedule, rules: JeopardyRules
) -> list[_Rule]:
    progress = task.progress
    if progress is Progress.DONE or progress is Progress.CANCELLED:
        return []
    now, due_at = plan.now, planned.due_at
    nominal_end = None
    if progress is Progress.RUNNING and task.started_at is not None:
        nominal_end = task.started_at + task.duration_minutes * MINUTE
    found: list[_Rule] = []
    if due_at is not None:
        clock, bound = (None, None) if plan.on_hold else (now, planned.now_bound_end)
        found.append((3, _DUE_PASSED, now, clock, due_at))
    if nominal_end is not None:
        found.append((3, _OVERRUN, now, now, later(nominal_end, rules.critical_overrun)))
    if due_at is not None:
        end = planned.planned_end
        found.append((2, _ENDS_AFTER_DUE, end, bound, later(due_at, rules.late_after)))
    if nominal_end is not None:
        found.append((2, _OVERRUN, now, now, later(nominal_end, rules.late_after)))
    if due_at is not None:
        found.append((1, _ENDS_NEAR_DUE, end, bound, due_at - rules.at_risk_margin))
    return found


def _reason(
    rule: int, task: ScheduleTask | None, planned: TaskSchedule | None, plan: Schedule
) -> str:
    if task is None or planned is None:
        due, completion = plan.due, plan.expected_completion
        assert due is not None and completion is not None
        expected, requested = f"expected completion {completion:%Y-%m-%d}", f"{due:%Y-%m-%d}"
        if rule == _DUE_PASSED:
            return f"the requested {requested} has passed"
        if rule == _COMPLETES_LATE:
            return f"{expected} is {_span(completion - due)} after the requested {requested}"
        return f"{expected} is only {_span(due - completion)} before the requested {requested}"
    if rule == _OVERRUN:
        assert task.started_at is not None
        overrun = plan.now - task.started_at - task.duration_minutes * MINUTE
        return f"{task.number} is {_span(overrun)} past its planned end"
    assert planned.due_at is not None
    due_at, end = planned.due_at, planned.planned_end
    when = f"{due_at:%Y-%m-%d %H:%M}"
    if rule == _DUE_PASSED:
        return f"{task.number} is not done by its due {when}"
    if rule == _ENDS_AFTER_DUE:
        return f"{task.number} is planned to end {_span(end - due_at)} after its due {when}"
    return f"{task.number} is planned to end only {_span(due_at - end)} before its due {when}"


def _span(delta: timedelta) -> str:
    """A duration as people say it, rounded down: 3 days, 6 h, 25 min."""
    if delta >= timedelta(days=1):
        days = delta // timedelta(days=1)
        return f"{days} day{'s' if days != 1 else ''}"
    if delta >= timedelta(hours=1):
        return f"{delta // timedelta(hours=1)} h"
    return f"{max(delta, timedelta(0)) // MINUTE} min"
