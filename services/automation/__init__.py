"""Automated tasks: workers fetch and lock READY tasks of their handlers, complete or fail
them, extend their locks; a sweeper turns expired locks into retryable failures."""

from services.automation.complete import complete_automated_task
from services.automation.context import LockedTask
from services.automation.extend import extend_task_lock
from services.automation.fail import fail_automated_task
from services.automation.fetch import fetch_and_lock_tasks

__all__ = [
    "LockedTask",
    "complete_automated_task",
    "extend_task_lock",
    "fail_automated_task",
    "fetch_and_lock_tasks",
]
