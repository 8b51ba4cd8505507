"""The schedule as a pure function of the task graph, the actuals, the holds and the clock."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings

from services.orders.planning import plan_line_item
from services.schedule.schedule import CycleError, HeldInterval, schedule
from tests.services.orders.catalog_graphs import PRODUCT, RESOURCE, RFS, catalog, spec, template, to
from tests.services.schedule.dags import History, at, cancelled, done, histories, running, todo

CHAIN = ((1, 0), (2, 1))
DIAMOND = ((1, 0), (2, 0), (3, 1), (3, 2))


def test_a_chain_runs_one_task_after_the_other_from_now() -> None:
    plan = schedule([todo(10), todo(20), todo(30)], CHAIN, now=at(0))

    assert [(t.planned_start, t.planned_end) for t in plan.tasks] == [
        (at(0), at(10)),
        (at(10), at(30)),
        (at(30), at(60)),
    ]
    assert plan.expected_completion == at(60)
    assert plan.critical_path == (0, 1, 2)
    assert all(t.on_critical_path and t.slack_minutes == 0 for t in plan.tasks)


def test_a_diamond_s_short_branch_has_the_difference_as_slack() -> None:
    plan = schedule([todo(10), todo(50), todo(20), todo(5)], DIAMOND, now=at(0))

    assert plan.tasks[3].planned_start == at(60)
    assert plan.expected_completion == at(65)
    assert plan.critical_path == (0, 1, 3)
    assert [t.slack_minutes for t in plan.tasks] == [0, 0, 30, 0]
    assert not plan.tasks[2].on_critical_path


def test_the_backward_pass_gives_each_task_its_latest_finish_for_the_due_date() -> None:
    plan = schedule([todo(10), todo(50), todo(20), todo(5)], DIAMOND, now=at(0), due=at(100))

    assert [t.due_at for t in plan.tasks] == [at(45), at(95), at(95), at(100)]


def test_edges_across_domain_orders_schedule_a_child_s_work_before_its_parent_s() -> None:
    graph = catalog(
        spec(1, PRODUCT, (to(2), to(3)), (template(1, minutes=5),)),
        spec(2, RFS, (), (template(2, minutes=30),)),
        spec(3, RESOURCE, (), (template(3, minutes=60), template(4, 3, minutes=15))),
    )
    line_item = plan_line_item(graph, 1, {})
    tasks = [todo(t.expected_duration_minutes) for t in line_item.tasks]

    plan = schedule(tasks, line_item.dependencies, now=at(0))

    names = [t.name for t in line_item.tasks]
    assert [names[i] for i in plan.critical_path] == ["Task 3", "Task 4", "Task 1"]
    assert plan.expected_completion == at(80)
    assert plan.tasks[names.index("Task 2")].slack_minutes == 45


def test_a_done_task_is_planned_on_its_actuals_and_its_dependents_wait_for_its_real_end() -> None:
    plan = schedule([done(10, started=0, ended=40), todo(20)], ((1, 0),), now=at(50))

    assert (plan.tasks[0].planned_start, plan.tasks[0].planned_end) == (at(0), at(40))
    assert plan.tasks[1].planned_start == at(50)  # not before now


def test_a_done_task_that_ended_late_is_on_the_critical_path() -> None:
    plan = schedule([done(10, started=0, ended=40), running(20, started=40)], ((1, 0),), now=at(45))

    assert plan.critical_path == (0, 1)
    assert plan.expected_completion == at(60)


def test_a_running_task_ends_at_its_start_plus_its_duration() -> None:
    plan = schedule([running(30, started=10), todo(5)], ((1, 0),), now=at(20))

    assert plan.tasks[0].planned_end == at(40)
    assert plan.tasks[1].planned_start == at(40)


def test_a_running_task_past_its_duration_is_planned_to_end_now() -> None:
    plan = schedule([running(30, started=10), todo(5)], ((1, 0),), now=at(100))

    assert plan.tasks[0].planned_end == at(100)
    assert plan.expected_completion == at(105)


def test_a_task_waiting_for_its_next_attempt_starts_then_and_its_chain_after_it() -> None:
    plan = schedule([todo(10, not_before=30), todo(20)], ((1, 0),), now=at(0))

    assert [(t.planned_start, t.planned_end) for t in plan.tasks] == [
        (at(30), at(40)),
        (at(40), at(60)),
    ]
    assert plan.expected_completion == at(60)
    assert plan.critical_path == (0, 1)


def test_a_next_attempt_already_due_holds_nothing_back() -> None:
    plan = schedule([todo(10, not_before=-5)], (), now=at(0))

    assert plan.tasks[0].planned_start == at(0)


def test_a_next_attempt_before_what_the_task_waits_on_ends_holds_nothing_back() -> None:
    plan = schedule([todo(50), todo(10, not_before=30)], ((1, 0),), now=at(0))

    assert plan.tasks[1].planned_start == at(50)


def test_a_cancelled_task_takes_no_time_and_delays_nothing() -> None:
    plan = schedule([todo(10), cancelled(500), todo(20)], CHAIN, now=at(0))

    assert plan.tasks[1].planned_start == plan.tasks[1].planned_end == at(10)
    assert plan.expected_completion == at(30)


def test_the_due_date_moves_later_by_the_time_the_order_was_held() -> None:
    held = [HeldInterval(at(10), at(70))]

    plan = schedule([todo(10), todo(20)], ((1, 0),), now=at(80), due=at(200), held=held)

    assert plan.held == timedelta(minutes=60)
    assert plan.due == at(260)
    assert plan.tasks[1].due_at == at(260)
    assert plan.tasks[0].planned_start == at(80)  # nothing started while held


def test_while_a_hold_is_open_the_due_date_and_the_unstarted_work_slide_with_the_clock() -> None:
    held = [HeldInterval(at(10))]
    tasks = [todo(30)]

    early = schedule(tasks, (), now=at(20), due=at(100), held=held)
    later = schedule(tasks, (), now=at(500), due=at(100), held=held)

    assert early.on_hold and later.on_hold
    assert later.due - early.due == later.expected_completion - early.expected_completion  # type: ignore[operator]


def test_a_clock_behind_the_recorded_facts_changes_nothing() -> None:
    tasks = [done(10, started=0, ended=40), todo(20)]

    behind = schedule(tasks, ((1, 0),), now=at(5))

    assert behind == schedule(tasks, ((1, 0),), now=at(40))


def test_a_plan_without_tasks_has_no_completion_and_no_critical_path() -> None:
    plan = schedule([], (), now=at(0), due=at(10))

    assert plan.tasks == ()
    assert plan.expected_completion is None
    assert plan.critical_path == ()
    assert plan.complete


def test_a_cycle_is_refused() -> None:
    with pytest.raises(CycleError):
        schedule([todo(1), todo(1)], ((0, 1), (1, 0)), now=at(0))


@settings(max_examples=200, deadline=None)
@given(histories())
def test_no_task_is_planned_to_start_before_what_it_waits_on_ends(history: History) -> None:
    plan = schedule(history.tasks, history.dependencies, now=history.now)

    for task, depends_on in history.dependencies:
        assert plan.tasks[task].planned_start >= plan.tasks[depends_on].planned_end


@settings(max_examples=200, deadline=None)
@given(histories())
def test_the_critical_path_is_a_tight_chain_as_long_as_the_expected_completion(
    history: History,
) -> None:
    plan = schedule(history.tasks, history.dependencies, now=history.now)

    path = [plan.tasks[i] for i in plan.critical_path]
    if plan.expected_completion is None:
        assert path == []
        return
    length = sum((t.planned_end - t.planned_start for t in path), timedelta(0))
    assert path[0].planned_start + length == plan.expected_completion
    assert all(a.planned_end == b.planned_start for a, b in pairwise(path))
    assert {(b, a) for a, b in pairwise(plan.critical_path)} <= set(history.dependencies)


@settings(max_examples=200, deadline=None)
@given(histories())
def test_slack_is_never_negative_and_zero_exactly_on_critical_chains(history: History) -> None:
    plan = schedule(history.tasks, history.dependencies, now=history.now)

    assert all(t.slack >= timedelta(0) for t in plan.tasks)
    assert all(plan.tasks[i].on_critical_path for i in plan.critical_path)
    if plan.expected_completion is None:  # only cancelled tasks: no chain determines anything
        return
    # Zero slack: the task can be delayed by nothing, so some successor starts as it ends, or
    # it ends at the expected completion.
    successors = {
        d: [t for t, dd in history.dependencies if dd == d] for d in range(len(plan.tasks))
    }
    for i, planned in enumerate(plan.tasks):
        if planned.on_critical_path:
            assert planned.planned_end == plan.expected_completion or any(
                plan.tasks[s].on_critical_path
                and plan.tasks[s].planned_start == planned.planned_end
                for s in successors[i]
            )
