"""The jeopardy sweeper: levels that rise with time alone, written when their time has come.

A change recomputes its order's schedule in its own transaction (reschedule.py) and stores
`next_jeopardy_check_at`: the first instant at which time alone would raise a level of the
order or of one of its tasks (jeopardy.py, `next_threshold_at`), or, if earlier, the order's
expected completion while work is left (once it has passed, the plan has slipped and the stored
dates are stale: `next_check_at`), or null if neither would come. So an open order's
`expectedCompletionAt` is never in the past by more than a pass's interval (and its backlog),
while an order on plan is not rewritten by time alone (its `scheduledAt` says as of when its
dates hold). This
pass finds the orders whose instant has come (an index on the column: the work list costs the
same at any volume), and recomputes each in a unit of work of its own, under the order lock,
re-reading the order once the lock is held: two passes at once (two processes in the moment
the lease changes hands, services/sweeping/runtime.py) then run one after the other on an
order, and the second finds nothing due. Events are written only where a level changed, by
the same code a change uses, so the sweeper and the changes cannot disagree.

The orders planned before the schedule existed are made due by migration 0015 (its docstring
says why there), so the same passes schedule them, a batch at a time, oldest first.

Why not recompute every open order on a timer: most orders are on time, and a level can only
change, and a date only slip past, at a known instant; the column says when, so a pass reads
only the orders whose level is about to move or whose plan has slipped.
"""

from __future__ import annotations

import time
from typing import cast

from models import ServiceOrder
from services import clock
from services.events.kinds import JEOPARDY_CHANGED
from services.locking import lock_order
from services.schedule.reschedule import reschedule
from services.unit_of_work import unit_of_work

# Orders per pass: a pass is short, and the next one (an interval later) takes the rest.
BATCH = 500
INTERVAL_SECONDS = 30.0
# And at most this long: a pass stops taking orders once it has run this long, so that with
# large orders (an upgrade's backlog, migration 0015) it still ends well inside the lease of
# three intervals that the next pass renews (services/sweeping/runtime.py). Real elapsed time,
# not the services' clock: a budget, not a date.
PASS_SECONDS = INTERVAL_SECONDS
_JEOPARDY_KINDS = frozenset(JEOPARDY_CHANGED.values())


async def sweep_jeopardy() -> int:
    """Re-evaluate the orders whose next jeopardy check has come: how many levels changed."""
    at = clock.now()
    due = await (
        ServiceOrder.filter(next_jeopardy_check_at__lte=at)
        .order_by("next_jeopardy_check_at")
        .limit(BATCH)
        .values_list("id", flat=True)
    )
    changed = 0
    began = time.monotonic()
    for order_id in due:
        changed += await _reevaluate(cast(int, order_id))
        if time.monotonic() - began >= PASS_SECONDS:
            break
    return changed


async def _reevaluate(order_id: int) -> int:
    async with unit_of_work(None) as uow:
        order = await lock_order(order_id)
        check = order.next_jeopardy_check_at
        if check is None or check > uow.started_at:  # another pass got here first
            return 0
        await reschedule(uow, order)
        return sum(1 for event in uow.events if event.kind in _JEOPARDY_KINDS)
