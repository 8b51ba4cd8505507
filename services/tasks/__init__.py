"""Working fulfillment tasks: start, complete, reassign."""

from services.tasks.complete import complete_task
from services.tasks.reassign import reassign_task
from services.tasks.start import start_task

__all__ = ["complete_task", "reassign_task", "start_task"]
