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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from services.schedule.schedule import (
    MINUTE,
    Progress,
    Schedule,
    ScheduleTask,
    TaskSchedule,
)


class JeopardyLevel(Enum):
    NONE = "NONE"
    AT_RISK = "AT_RISK"
    LATE = "LATE"
    CRITICAL = "CRITICAL"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {level: rank for rank, level in enumerate(JeopardyLevel)}
NONE, AT_RISK, LATE, CRITICAL = JeopardyLevel


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


ON_TIME = Assessment(NONE, "")


@dataclass(frozen=True, slots=True)
class _Rule:
    """`value(t) >= threshold`, where value(t) = max(fixed, bound + (t - now)) never falls."""

    level: JeopardyLevel
    reason: str
    fixed: datetime
    bound: datetime | None  # None: the value does not grow with time
    threshold: datetime

    def holds(self) -> bool:
        return self.fixed >= self.threshold or (
            self.bound is not None and self.bound >= self.threshold
        )

    def crossing(self, now: datetime) -> datetime | None:
        return None if self.bound is None else now + (self.threshold - self.bound)


def jeopardy(
    tasks: Sequence[ScheduleTask], plan: Schedule, rules: JeopardyRules = DEFAULT_RULES
) -> Jeopardy:
    """The jeopardy of the order and of each task, for the schedule `plan` of `tasks`."""
    now = plan.now
    thresholds: list[datetime] = []
    assessed = tuple(
        _assess(_task_rules(task, planned, plan, rules), now, thresholds)
        for task, planned in zip(tasks, plan.tasks, strict=True)
    )
    if plan.complete:
        order = ON_TIME
    elif plan.due is not None:
        order = _assess(_order_rules(plan, rules), now, thresholds)
    else:
        order = max(assessed, key=lambda a: a.level.rank, default=ON_TIME)
    return Jeopardy(order=order, tasks=assessed, next_threshold_at=min(thresholds, default=None))


def _assess(rules: list[_Rule], now: datetime, thresholds: list[datetime]) -> Assessment:
    holding = [rule for rule in rules if rule.holds()]
    top = max(holding, key=lambda r: r.level.rank, default=None)
    current = ON_TIME if top is None else Assessment(top.level, top.reason)
    for rule in rules:
        if rule.level.rank > current.level.rank and (at := rule.crossing(now)) is not None:
            thresholds.append(at)
    return current


def _order_rules(plan: Schedule, rules: JeopardyRules) -> list[_Rule]:
    due, now = plan.due, plan.now
    assert due is not None and plan.expected_completion is not None
    completion = plan.expected_completion
    bound = max((b for t in plan.tasks if (b := t.now_bound_end) is not None), default=None)
    if plan.on_hold:  # the due date moves with the clock: lateness does not grow
        bound = None
    lateness = completion - due
    expected, requested = f"expected completion {completion:%Y-%m-%d}", f"{due:%Y-%m-%d}"
    late = f"{expected} is {_span(lateness)} after the requested {requested}"
    early = f"{expected} is only {_span(-lateness)} before the requested {requested}"
    return [
        _Rule(
            CRITICAL,
            f"the requested {due:%Y-%m-%d} has passed",
            now,
            None if plan.on_hold else now,
            due,
        ),
        _Rule(CRITICAL, late, completion, bound, due + rules.critical_lateness),
        _Rule(LATE, late, completion, bound, due + rules.late_after),
        _Rule(AT_RISK, early, completion, bound, due - rules.at_risk_margin),
    ]


def _task_rules(
    task: ScheduleTask, planned: TaskSchedule, plan: Schedule, rules: JeopardyRules
) -> list[_Rule]:
    if task.progress is Progress.DONE or task.progress is Progress.CANCELLED:
        return []
    now, found = plan.now, []
    due_at = planned.due_at
    if due_at is not None:
        end = planned.planned_end
        bound = None if plan.on_hold else planned.now_bound_end
        clock = None if plan.on_hold else now
        when = f"{due_at:%Y-%m-%d %H:%M}"
        late = f"{task.number} is planned to end {_span(end - due_at)} after its due {when}"
        early = f"{task.number} is planned to end only {_span(due_at - end)} before its due {when}"
        found += [
            _Rule(
                CRITICAL,
                f"{task.number} is not done by its due {when}",
                now,
                clock,
                due_at,
            ),
            _Rule(LATE, late, end, bound, due_at + rules.late_after),
            _Rule(AT_RISK, early, end, bound, due_at - rules.at_risk_margin),
        ]
    if task.progress is Progress.RUNNING and task.started_at is not None:
        planned_end = task.started_at + task.duration_minutes * MINUTE
        overrun = f"{task.number} is {_span(now - planned_end)} past its planned end"
        found += [
            _Rule(CRITICAL, overrun, now, now, planned_end + rules.critical_overrun),
            _Rule(LATE, overrun, now, now, planned_end + rules.late_after),
        ]
    return _ordered(found)


def _ordered(found: list[_Rule]) -> list[_Rule]:
    # The reason is the first holding rule of the highest level: CRITICAL rules first.
    return sorted(found, key=lambda r: -r.level.rank)


def _span(delta: timedelta) -> str:
    """A duration as people say it, rounded down: 3 days, 6 h, 25 min."""
    if delta >= timedelta(days=1):
        days = delta // timedelta(days=1)
        return f"{days} day{'s' if days != 1 else ''}"
    if delta >= timedelta(hours=1):
        return f"{delta // timedelta(hours=1)} h"
    return f"{max(delta, timedelta(0)) // MINUTE} min"
