"""Event ids below the relay's high-water mark that it has not seen yet: the open gaps.

Why gaps exist: on PostgreSQL an event id comes from a sequence when the row is INSERTed, not
when its transaction commits, so a transaction holding id 7 can commit after another holding
id 8 (events of one order cannot: its row lock makes them commit in id order; across orders
they can). A relay that only read `id > last seen` would skip 7 for ever.

What we do: when the relay sees 8 while 7 is missing, 7 becomes an open gap; every poll
re-reads the open gaps along with the new ids, and a gap that turns up is delivered then. A
sequence value is never given back, so a rolled-back transaction leaves a gap that never fills:
gaps therefore close after a bounded time. The unit of work INSERTs its events as the
transaction's last statements, so a real gap lives only from that INSERT to the COMMIT,
normally milliseconds; the timeout only has to outlast a stalled commit.

Why not the transaction-id approach (store pg_current_xact_id() with each event and read only
below pg_snapshot_xmin): it needs a PostgreSQL-only column, and the snapshot horizon is
cluster-wide, so any long write transaction anywhere on the server (another database's
included) would hold back every subscriber. Gap tracking costs one `OR id IN (...)` term while
a gap is open, and nothing otherwise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

# Long enough for a commit stalled by I/O or a lock on the commit path; a rolled-back id costs
# one extra id in one query for this long.
GAP_TIMEOUT_SECONDS = 60.0
# A jump of the sequence (a setval, a crash that skipped cached values) opens no more than this.
MAX_OPEN_GAPS = 1000


class Gaps:
    def __init__(
        self,
        *,
        timeout: float = GAP_TIMEOUT_SECONDS,
        limit: int = MAX_OPEN_GAPS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._timeout = timeout
        self._limit = limit
        self._clock = clock
        self._deadlines: dict[int, float] = {}

    def open(self, ids: Sequence[int]) -> None:
        """Record `ids` (ascending) as not seen yet, to re-read until they turn up or expire."""
        if len(ids) > self._limit:
            skipped, ids = ids[: -self._limit], ids[-self._limit :]
            log.warning("event ids %s-%s not waited for: too many", skipped[0], skipped[-1])
        deadline = self._clock() + self._timeout
        for event_id in ids:
            self._deadlines[event_id] = deadline
        while len(self._deadlines) > self._limit:
            oldest = min(self._deadlines)
            del self._deadlines[oldest]
            log.warning("event id %s given up: too many open gaps", oldest)

    def close(self, event_id: int) -> bool:
        """Mark `event_id` seen; True if it was an open gap."""
        return self._deadlines.pop(event_id, None) is not None

    def expire(self) -> list[int]:
        """Give up the gaps past their deadline (rolled back, or committed far too late)."""
        now = self._clock()
        expired = [event_id for event_id, deadline in self._deadlines.items() if deadline <= now]
        for event_id in expired:
            del self._deadlines[event_id]
        return expired

    def ids(self) -> frozenset[int]:
        return frozenset(self._deadlines)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._deadlines

    def __len__(self) -> int:
        return len(self._deadlines)
