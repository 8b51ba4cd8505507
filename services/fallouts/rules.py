"""What a fallout's state (and its task's) allows. The follow-up operations check these, and
the API shows them (`viewerCan`), so that a flag and its mutation cannot disagree."""

from __future__ import annotations

from models import FalloutRecord, Task
from models.enums import FALLOUT_OPEN_STATES, FalloutAction, TaskState

# What each resolution decides for the task: finished so, or (None) worked again. When the task
# finishes is the task's own rule (tasks/rules.py: not before its predecessors).
_OUTCOMES: dict[FalloutAction, TaskState | None] = {
    FalloutAction.RETRY_TASK: None,
    FalloutAction.COMPLETE_TASK: TaskState.COMPLETED,
    FalloutAction.SKIP_TASK: TaskState.SKIPPED,
}


# Not a decision about the task: the task's line item fails (services/orders/fail_item.py).
FAILS_ITEM = FalloutAction.FAIL_LINE_ITEM


def is_open(fallout: FalloutRecord) -> bool:
    return fallout.state in FALLOUT_OPEN_STATES


def can_be_reassigned(fallout: FalloutRecord) -> bool:
    return is_open(fallout)


def can_be_resolved(fallout: FalloutRecord, task: Task) -> bool:
    """An open fallout whose task it holds: the resolution decides that task's fate.

    Every task action is accepted whatever the task waits on, so this one flag stands for
    all three: COMPLETE_TASK and SKIP_TASK on a task whose predecessors are not done are
    recorded and applied once they are (see `outcome_of` and tasks/rules.py
    `state_after_hold`). FAIL_LINE_ITEM asks more, of the task's item
    (services/orders/fail_item.py `can_fail`).
    """
    return is_open(fallout) and task.state is TaskState.ON_HOLD


def can_fail_line_item(fallout: FalloutRecord, task: Task) -> bool:
    """Resolving with FAIL_LINE_ITEM: a resolvable fallout on the item's own work, not on a
    compensating task (undoing work is not the item's work: SKIP_TASK gives it up).

    The item's state needs no look: a task of an item cancelled, failed or final is final
    unless it compensates, so it holds no open fallout (services/orders/fail_item.py checks it
    all the same, and the stateful test holds that it never differs)."""
    return can_be_resolved(fallout, task) and task.compensates_id is None


def outcome_of(action: FalloutAction) -> TaskState | None:
    """What a task action decides (FAIL_LINE_ITEM decides the item's fate, not the task's)."""
    return _OUTCOMES[action]
