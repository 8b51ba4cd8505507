"""What the local subscribers of one event share: its reads, and its renderings.

The relay hands each event to every subscriber of this process at once. Read separately, a
change watched by a thousand dashboards was read a thousand times and rendered a thousand
times. Instead, the subscribers of one event read through one set of loaders (the entity and
whatever its selection reads come from the database once), and subscribers whose selection,
variables and view (services/policy.py, `view_key`) are the same are sent one rendering.

Shares are kept for the most recent events only: a subscriber far behind the others makes a
new one, reading the rows again, which is correct (they show the state after the change, and
after any later one, as every delivery does).
"""

from __future__ import annotations

import asyncio
import inspect
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime
from typing import Any

from models import Event
from resolvers.loaders import Loaders

# Events whose shares are kept. A burst of changes delivered to many subscribers keeps its
# shares while they fan out; older ones go first.
MAX_SHARED_EVENTS = 256


class EventShare:
    def __init__(self) -> None:
        self.loaders = Loaders()
        # A rendering's key holds objects (the parsed operation) by identity: each entry
        # keeps them referenced, so that their ids cannot be reused while it lives.
        self._renderings: dict[Hashable, tuple[object, Any]] = {}

    def rendering(self, key: Hashable, keep: object, render: Callable[[], Any]) -> Any:
        """The rendering for `key` (a value, or an awaitable of one): the first caller
        renders it, the others get the same."""
        found = self._renderings.get(key)
        if found is not None and found[0] is keep:
            outcome = found[1]
        else:
            outcome = render()
            if inspect.isawaitable(outcome):
                outcome = _Rendering.of(outcome)
            self._renderings[key] = (keep, outcome)
        if not isinstance(outcome, _Rendering):
            return outcome
        if outcome.done() and not outcome.cancelled() and outcome.exception() is None:
            return outcome.result()
        return outcome


class _Rendering(asyncio.Future[Any]):
    """A rendering many subscribers wait for. It runs in a task of its own, and waiting for it
    cannot cancel it: a subscriber that leaves (its task cancelled while it waits) must not
    take the rendering away from the others; it gets its cancellation once the rendering is
    done. Cheaper than a shield per subscriber: a thousand of them wait for each change."""

    @classmethod
    def of(cls, rendering: Awaitable[Any]) -> _Rendering:
        shared = cls()
        task = asyncio.ensure_future(rendering)
        task.add_done_callback(shared._settle)
        return shared

    def _settle(self, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            super().cancel()
        elif task.exception() is not None:
            self.set_exception(task.exception())  # type: ignore[arg-type]
        else:
            self.set_result(task.result())

    def cancel(self, msg: Any | None = None) -> bool:
        return False


# Keyed by id and time together: an id alone is reused when a database is emptied and its
# sequences restarted (every test does), and a share of the old event would answer for the new.
_shares: OrderedDict[tuple[int, datetime], EventShare] = OrderedDict()


def share_of(event: Event) -> EventShare:
    key = (event.id, event.occurred_at)
    share = _shares.get(key)
    if share is None:
        share = _shares[key] = EventShare()
        while len(_shares) > MAX_SHARED_EVENTS:
            _shares.popitem(last=False)
    return share
