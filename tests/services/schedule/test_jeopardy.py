"""Jeopardy levels and reasons as a pure function of a schedule."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import JeopardyLevel
from services.schedule.jeopardy import AT_RISK, CRITICAL, LATE, NONE, Jeopardy, jeopardy
from services.schedule.schedule import HeldInterval, ScheduleTask, schedule
from tests.services.schedule.dags import History, at, done, histories, running, todo

DAY = 24 * 60


def assess(
    tasks: list[ScheduleTask],
    dependencies: tuple[tuple[int, int], ...] = (),
    *,
    now: int,
    due: int | None = None,
    held: tuple[HeldInterval, ...] = (),
) -> Jeopardy:
    plan = schedule(
        tasks, dependencies, now=at(now), due=None if due is None else at(due), held=held
    )
    return jeopardy(tasks, plan)


def test_an_order_expected_well_before_its_due_date_is_not_in_jeopardy() -> None:
    result = assess([todo(60)], now=0, due=3 * DAY)

    assert (result.order.level, result.order.reason) == (NONE, "")


def test_an_order_expected_within_a_day_of_its_due_date_is_at_risk() -> None:
    result = assess([todo(60)], now=0, due=5 * 60)

    assert result.order.level is AT_RISK
    assert result.order.reason == (
        "expected completion 2026-12-01 is only 4 h before the requested 2026-12-01"
    )


def test_an_order_expected_after_its_due_date_is_late_and_says_by_how_much() -> None:
    result = assess([todo(4 * DAY)], now=0, due=3 * DAY)

    assert result.order.level is LATE
    assert result.order.reason == (
        "expected completion 2026-12-05 is 1 day after the requested 2026-12-04"
    )


def test_an_order_expected_two_days_late_is_critical() -> None:
    result = assess([todo(6 * DAY)], now=0, due=3 * DAY)

    assert result.order.level is CRITICAL
    assert result.order.reason.endswith("is 3 days after the requested 2026-12-04")


def test_an_order_whose_due_date_has_passed_is_critical() -> None:
    result = assess([running(60, started=0)], now=100, due=90)

    assert result.order.level is CRITICAL
    assert result.order.reason == "the requested 2026-12-01 has passed"


def test_a_complete_order_is_not_in_jeopardy_however_late_it_finished() -> None:
    result = assess([done(60, started=0, ended=5 * DAY)], now=5 * DAY, due=DAY)

    assert result.order.level is NONE
    assert result.next_threshold_at is None


def test_a_task_running_past_its_planned_end_is_late_and_says_by_how_much() -> None:
    result = assess([running(60, started=0, number=42)], now=7 * 60)

    assert result.tasks[0].level is LATE
    assert result.tasks[0].reason == "TASK0000042 is 6 h past its planned end"
    assert result.order == result.tasks[0]  # without a due date: as late as its latest task


def test_a_task_running_a_day_past_its_planned_end_is_critical() -> None:
    result = assess([running(60, started=0, number=42)], now=60 + DAY)

    assert result.tasks[0].level is CRITICAL


def test_a_task_planned_to_end_after_its_due_date_is_late() -> None:
    tasks = [running(60, started=0), todo(60, number=7)]

    result = assess(tasks, ((1, 0),), now=30, due=90)

    assert result.tasks[1].level is LATE
    assert (
        result.tasks[1].reason
        == "TASK0000007 is planned to end 30 min after its due 2026-12-01 10:30"
    )


def test_done_tasks_are_not_in_jeopardy() -> None:
    result = assess([done(10, started=0, ended=DAY), todo(10)], ((1, 0),), now=DAY, due=DAY)

    assert result.tasks[0].level is NONE


def test_the_next_threshold_is_when_time_alone_raises_a_level() -> None:
    # A 60-minute task due in 26 h: at risk once it is planned to end less than 24 h before.
    result = assess([todo(60)], now=0, due=26 * 60)

    assert result.order.level is NONE
    assert result.next_threshold_at == at(60)
    assert assess([todo(60)], now=60, due=26 * 60).order.level is AT_RISK
    assert assess([todo(60)], now=59, due=26 * 60).order.level is NONE


def test_a_running_task_s_next_threshold_is_its_planned_end() -> None:
    result = assess([running(60, started=0)], now=10)

    assert result.next_threshold_at == at(61)


def test_while_held_the_due_date_moves_with_the_clock_and_lateness_does_not_grow() -> None:
    held = (HeldInterval(at(10)),)

    early = assess([todo(60)], now=20, due=120, held=held)
    later = assess([todo(60)], now=20 + 3 * DAY, due=120, held=held)

    assert early.order.level is later.order.level is AT_RISK
    assert "only 50 min before the requested" in later.order.reason


@settings(max_examples=150, deadline=None)
@given(histories(), st.integers(0, 3 * DAY), st.integers(0, 3 * DAY), st.integers(1, 4 * DAY))
def test_with_a_fixed_plan_no_level_falls_as_time_passes(
    history: History, first: int, second: int, due: int
) -> None:
    earlier, later = sorted((first, second))
    now = history.now

    def levels(minutes: int) -> list[int]:
        clock = now + timedelta(minutes=minutes)
        plan = schedule(
            history.tasks, history.dependencies, now=clock, due=now + timedelta(minutes=due)
        )
        result = jeopardy(history.tasks, plan)
        return [result.order.level.rank] + [t.level.rank for t in result.tasks]

    assert all(a <= b for a, b in zip(levels(earlier), levels(later), strict=True))


@settings(max_examples=150, deadline=None)
@given(histories(), st.integers(1, 4 * DAY))
def test_no_level_changes_before_the_next_threshold_and_one_does_at_it(
    history: History, due: int
) -> None:
    deadline = history.now + timedelta(minutes=due)

    def result(clock: timedelta) -> Jeopardy:
        plan = schedule(history.tasks, history.dependencies, now=history.now + clock, due=deadline)
        return jeopardy(history.tasks, plan)

    first = result(timedelta(0))
    if first.next_threshold_at is None:
        return
    wait = first.next_threshold_at - history.now
    just_before = result(wait - timedelta(microseconds=1))
    at_threshold = result(wait)
    assert [t.level for t in just_before.tasks] == [t.level for t in first.tasks]
    assert just_before.order.level is first.order.level
    assert [first.order.level, *(t.level for t in first.tasks)] != [
        at_threshold.order.level,
        *(t.level for t in at_threshold.tasks),
    ]


# The next check: the earlier of the next threshold and the expected completion of an order
# with work left (once that has passed, the stored dates have slipped).


def test_an_order_without_a_due_date_is_checked_again_when_its_expected_completion_passes() -> None:
    result = assess([todo(60), todo(30)], ((1, 0),), now=0)

    assert result.next_threshold_at is None
    assert result.next_check_at == at(90)


def test_the_next_check_is_the_next_threshold_when_that_comes_first() -> None:
    # 10 h of work due in 34.5 h: at risk once it is planned to end less than 24 h before, in
    # 30 minutes if it has not started; its expected completion is 10 h away.
    result = assess([todo(600)], now=0, due=24 * 60 + 630)

    assert result.next_threshold_at == at(30)
    assert result.next_check_at == at(30)


def test_the_next_check_is_the_expected_completion_when_that_comes_first() -> None:
    # A 10 h task running since 0, due in 2 days: late a minute after its planned end, but
    # its planned end passing already makes the stored completion stale.
    result = assess([running(600, started=0)], now=10, due=2 * DAY)

    assert result.next_threshold_at == at(601)
    assert result.next_check_at == at(600)


def test_a_complete_order_has_no_next_check() -> None:
    result = assess([done(60, started=0, ended=60)], now=90)

    assert result.next_check_at is None


def test_a_held_order_is_checked_again_when_its_expected_completion_passes() -> None:
    # While held, the due-based rules give no threshold, but unstarted work slides with the
    # clock: once the completion has passed, the dates are stale.
    result = assess([todo(60)], now=20, due=3 * DAY, held=(HeldInterval(at(10)),))

    assert result.next_threshold_at is None
    assert result.next_check_at == at(80)


@settings(max_examples=150, deadline=None)
@given(histories(), st.one_of(st.none(), st.integers(1, 4 * DAY)), st.booleans())
def test_before_the_next_check_nothing_is_stale_and_just_after_it_something_has_moved(
    history: History, due: int | None, held: bool
) -> None:
    deadline = None if due is None else history.now + timedelta(minutes=due)
    holds = (HeldInterval(history.now - timedelta(minutes=5)),) if held else ()

    def result(clock: timedelta) -> tuple[Jeopardy, datetime | None]:
        plan = schedule(
            history.tasks,
            history.dependencies,
            now=history.now + clock,
            due=deadline,
            held=holds,
        )
        return jeopardy(history.tasks, plan), plan.expected_completion

    first, completion = result(timedelta(0))
    if first.next_check_at is None:
        return
    wait = first.next_check_at - history.now
    before, _ = result(wait - timedelta(microseconds=1))
    after, moved = result(wait + timedelta(microseconds=1))

    def levels(found: Jeopardy) -> list[JeopardyLevel]:
        return [found.order.level, *(t.level for t in found.tasks)]

    # given the schedule at `now`: until its next check, no level rises (while held one may
    # fall: the due dates move with the clock) and the expected completion is not in the past
    assert all(b.rank <= f.rank for b, f in zip(levels(before), levels(first), strict=True))
    assert completion is None or completion >= history.now + wait
    # and just after it a recompute changes something: a level, or the expected completion
    assert levels(after) != levels(first) or moved != completion
