"""Where a held task goes when its fallout is resolved, and what releasing a waiting task does:
the pure rules behind resolveFallout and the readiness of dependents."""

from __future__ import annotations

import pytest

from models import Task
from models.enums import FalloutAction, TaskState
from services.fallouts.rules import outcome_of
from services.tasks.rules import state_after_hold, state_when_released

T = TaskState


@pytest.mark.parametrize(
    ("action", "predecessors_done", "state"),
    [
        (FalloutAction.RETRY_TASK, True, T.READY),
        (FalloutAction.RETRY_TASK, False, T.PENDING),
        (FalloutAction.COMPLETE_TASK, True, T.COMPLETED),
        (FalloutAction.COMPLETE_TASK, False, T.PENDING),
        (FalloutAction.SKIP_TASK, True, T.SKIPPED),
        (FalloutAction.SKIP_TASK, False, T.PENDING),
    ],
    ids=str,
)
def test_a_resolution_never_jumps_the_dependency_order(
    action: FalloutAction, predecessors_done: bool, state: TaskState
) -> None:
    assert state_after_hold(outcome_of(action), predecessors_done) is state


@pytest.mark.parametrize(
    ("deferred_outcome", "state"),
    [(None, T.READY), (T.COMPLETED, T.COMPLETED), (T.SKIPPED, T.SKIPPED)],
    ids=str,
)
def test_a_released_task_takes_the_outcome_decided_while_it_waited(
    deferred_outcome: TaskState | None, state: TaskState
) -> None:
    task = Task(state=T.PENDING, deferred_outcome=deferred_outcome)

    assert state_when_released(task) is state
