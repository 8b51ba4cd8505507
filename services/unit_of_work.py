"""One transaction per service call, with its events written inside it and published after it.

Tortoise has no on-commit hook, so the unit of work is the hook: events are buffered while the
work runs, inserted as the last statements of the transaction (the outbox), and handed to the
publisher only once the commit has succeeded. A DomainError or any exception rolls back the
data and the events together, and publishes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise.transactions import in_transaction

from models import Event, Task, User
from services import clock
from services.events.kinds import EventKind
from services.events.publisher import get_publisher


def now() -> datetime:
    return clock.now()


class UnitOfWork:
    def __init__(self, actor: User | None) -> None:
        self.actor = actor
        self.events: list[Event] = []
        self.started_at = now()
        # The task objects this unit changed (record_task notes each), so that what is written
        # to their rows later in the unit (the schedule, services/schedule/reschedule.py) is on
        # the objects the service returns too.
        self.tasks: dict[int, Task] = {}
        # What to do once the transaction has committed (metrics of what it changed).
        self.committed: list[Callable[[], None]] = []

    def record(
        self,
        kind: EventKind,
        *,
        entity_id: int,
        service_order_id: int | None,
        previous_state: StrEnum | str | None = None,
        new_state: StrEnum | str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        """Buffer one event; it is written with the transaction's last statements.

        Services call their entity's recorder (`services/events/recorders.py`), which shapes the
        payload, rather than this.
        """
        self.events.append(
            Event(
                occurred_at=self.started_at,
                kind=kind,
                entity_type=kind.entity_type,
                entity_id=entity_id,
                service_order_id=service_order_id,
                actor_id=self.actor.id if self.actor else None,
                previous_state=str(previous_state) if previous_state is not None else None,
                new_state=str(new_state) if new_state is not None else None,
                payload=payload or {},
            )
        )

    async def flush(self) -> None:
        if self.events:
            await Event.bulk_create(self.events)


@asynccontextmanager
async def unit_of_work(actor: User | None) -> AsyncIterator[UnitOfWork]:
    uow = UnitOfWork(actor)
    async with in_transaction():
        yield uow
        await uow.flush()
    for then in uow.committed:
        then()
    if uow.events:
        await get_publisher().publish(uow.events)
