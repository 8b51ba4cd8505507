"""Domain orders count their whole subtree (tasks_*) and their own tasks apart (own_tasks_*);
a task keeps the outcome a fallout resolution decided while it waited (deferred_outcome).

The data step turns the counters of existing rows from own into subtree ones: own_tasks_* take
the old values, tasks_* the sums over each subtree (a recursive query SQLite and PostgreSQL
both run). States are not recomputed here: an open order's rollup corrects them the next time
one of its tasks moves.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import TaskState
from tortoise import fields

SUBTREE_COUNTERS = """
WITH RECURSIVE beneath(ancestor_id, id) AS (
    SELECT id, id FROM domain_order
    UNION ALL
    SELECT beneath.ancestor_id, child.id
    FROM domain_order AS child JOIN beneath ON child.parent_id = beneath.id
)
UPDATE domain_order SET
    tasks_total = (
        SELECT SUM(d.own_tasks_total) FROM beneath JOIN domain_order AS d ON d.id = beneath.id
        WHERE beneath.ancestor_id = domain_order.id
    ),
    tasks_done = (
        SELECT SUM(d.own_tasks_done) FROM beneath JOIN domain_order AS d ON d.id = beneath.id
        WHERE beneath.ancestor_id = domain_order.id
    )
"""


class Migration(migrations.Migration):
    dependencies = [('models', '0002_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DomainOrder',
            name='own_tasks_done',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='DomainOrder',
            name='own_tasks_total',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Task',
            name='deferred_outcome',
            field=fields.CharEnumField(null=True, description='PENDING: PENDING\nREADY: READY\nIN_PROGRESS: IN_PROGRESS\nON_HOLD: ON_HOLD\nCOMPLETED: COMPLETED\nSKIPPED: SKIPPED\nCANCELLED: CANCELLED', enum_type=TaskState, max_length=16),
        ),
        ops.RunSQL(
            [
                "UPDATE domain_order SET own_tasks_total = tasks_total, own_tasks_done = tasks_done",
                SUBTREE_COUNTERS,
            ],
            reverse_sql=[
                "UPDATE domain_order SET tasks_total = own_tasks_total, tasks_done = own_tasks_done"
            ],
        ),
    ]
