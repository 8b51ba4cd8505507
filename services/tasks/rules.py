"""What a task's state allows. The transitions check these, and the API shows them (`viewerCan`),
so that a flag and its mutation cannot disagree."""

from __future__ import annotations

from models import ServiceOrder, Task
from models.enums import TASK_FINAL_STATES, TaskKind, TaskState
from services.orders.rules import starts_no_task

# Fallout holds a task that is not finished and not held already: one open fallout at a time.
_HOLDABLE_STATES = frozenset({TaskState.PENDING, TaskState.READY, TaskState.IN_PROGRESS})


def is_automated(task: Task) -> bool:
    """Worked by a worker of its handler (services/automation/), not started by a person:
    people decide its fate only through its fallout (retry, complete, skip)."""
    return task.kind is TaskKind.AUTOMATED


def can_be_started(task: Task, order: ServiceOrder) -> bool:
    """A READY manual task of an order that is not held (`order`: the task's)."""
    return task.state is TaskState.READY and not is_automated(task) and not starts_no_task(order)


def can_be_completed(task: Task) -> bool:
    return task.state is TaskState.IN_PROGRESS and not is_automated(task)


def why_not_by_hand(task: Task, verb: str, state: TaskState) -> str:
    """The refusal of start (`state` READY) or complete (IN_PROGRESS) by a person."""
    if is_automated(task):
        return (
            f"Task {task.number} is automated: a worker of {task.handler} does it. Resolve its "
            "fallout to retry, complete or skip it."
        )
    article = "an" if state.value[0] in "AEIOU" else "a"
    return (
        f"Task {task.number} is {task.state.value}; only {article} {state.value} task can be "
        f"{verb}."
    )


def can_be_reassigned(task: Task) -> bool:
    return task.state not in TASK_FINAL_STATES


def can_be_put_on_hold(task: Task) -> bool:
    """Whether fallout can be reported on the task."""
    return task.state in _HOLDABLE_STATES


def state_after_hold(outcome: TaskState | None, predecessors_done: bool) -> TaskState:
    """Where a held task goes when its fallout is resolved.

    `outcome` is what the resolution decided: COMPLETED or SKIPPED, or None to work the task
    again. Dependency order comes first, whatever was decided: a task whose predecessors are
    not all done goes back to PENDING to wait for them (keeping `outcome` as its
    `deferred_outcome`); otherwise it takes the outcome at once, or is READY to be worked.
    """
    if not predecessors_done:
        return TaskState.PENDING
    return outcome or TaskState.READY


def state_when_released(task: Task) -> TaskState:
    """A PENDING task whose last predecessor is done: READY, or the outcome a resolution
    decided for it while it waited."""
    return task.deferred_outcome or TaskState.READY
