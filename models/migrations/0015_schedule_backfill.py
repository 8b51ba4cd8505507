"""Every open order has a schedule after the upgrade (issue 14).

0009 added the schedule's columns empty: an order that was already planned got no schedule,
no expected completion and no jeopardy until its next change, and the jeopardy sweeper never
looked at it (its `next_jeopardy_check_at` was null). Here each planned open order without a
schedule is made due for the sweeper now (its creation time, so the oldest go first); the
sweeper then computes each one's schedule and jeopardy as it does any due order
(services/schedule/sweeper.py): in batches, under the order lock, with the same code and the
same events as a change, and without a long migration on a large database.

Why not compute the schedules here: a migration runs in one transaction and before the
service starts, so its time would grow with the orders stored, and it would run today's
schedule code from inside a migration that must stay the same. Why not have every sweeper
pass look for orders without a schedule: no index finds them at a cost that does not grow
with the orders stored (old finished orders have none either, for ever), so every pass would
scan the table to find the ones that only an upgrade from before 0009 leaves.

Reversing it changes nothing: the schedules written since are valid at 0014 too.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

# The planned states that are not final (services/orders/rules.py): ACKNOWLEDGED lasts only
# inside the approving transaction, listed for a database stopped in the middle of one.
_OPEN_PLANNED = ("ACKNOWLEDGED", "IN_PROGRESS", "HELD", "CANCELLING")

MAKE_UNSCHEDULED_ORDERS_DUE = (
    "UPDATE service_order SET next_jeopardy_check_at = created_at"
    " WHERE scheduled_at IS NULL AND next_jeopardy_check_at IS NULL"
    f" AND state IN ({', '.join(repr(state) for state in _OPEN_PLANNED)})"
)


async def make_unscheduled_orders_due(apps: object, schema_editor: Any) -> None:
    await schema_editor.client.execute_script(MAKE_UNSCHEDULED_ORDERS_DUE)


async def nothing(apps: object, schema_editor: Any) -> None:
    return None


class Migration(migrations.Migration):
    dependencies = [('models', '0014_automated_tasks')]

    initial = False

    operations = [
        ops.RunPython(make_unscheduled_orders_due, nothing),
    ]
