"""What a fallout's state (and its task's) allows. The follow-up operations check these, and
the API shows them (`viewerCan`), so that a flag and its mutation cannot disagree."""

from __future__ import annotations

from models import FalloutRecord, Task
from models.enums import FALLOUT_OPEN_STATES, TaskState


def is_open(fallout: FalloutRecord) -> bool:
    return fallout.state in FALLOUT_OPEN_STATES


def can_be_reassigned(fallout: FalloutRecord) -> bool:
    return is_open(fallout)


def can_be_resolved(fallout: FalloutRecord, task: Task) -> bool:
    """An open fallout whose task it holds: the resolution decides that task's fate."""
    return is_open(fallout) and task.state is TaskState.ON_HOLD
