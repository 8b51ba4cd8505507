"""Requested completion dates for the demo orders that show jeopardy, relative to the time the
demo is seeded, so that the demo shows an order on time, one at risk and one late on any day.

A date is the seeding time + the order's longest chain of task durations (what the schedule
will expect at approval, planning.earliest_finish over each item's plan) + a margin: days for
the order on time, hours under the at-risk margin (a day) for the one at risk, a negative
margin for the late one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from models import ServiceSpecification
from services import clock
from services.orders import SubmitOrderInput
from services.orders.catalog_graph import load_catalog_graph
from services.orders.planning import earliest_finish, plan_line_item


async def requested_after_plan(order: SubmitOrderInput, margin: timedelta) -> datetime:
    """Now + the longest chain of `order`'s plan (its longest line item) + `margin`."""
    codes = {item.specification_code for item in order.line_items}
    specifications = {s.code: s.id for s in await ServiceSpecification.filter(code__in=codes)}
    catalog = await load_catalog_graph(specifications.values())
    longest = 0
    for item in order.line_items:
        plan = plan_line_item(
            catalog, specifications[item.specification_code], item.characteristics, item.quantity
        )
        durations = [task.expected_duration_minutes for task in plan.tasks]
        longest = max([longest, *earliest_finish(durations, plan.dependencies)])
    return clock.now() + timedelta(minutes=longest) + margin
