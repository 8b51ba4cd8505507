"""The schedule (issue 14): each task's planned start and end, slack, critical-path flag,
jeopardy and how late it is; each order's expected completion, jeopardy, lateness, the next
time the jeopardy sweeper looks at it, and the clock its schedule was computed at. Indexes for
the lists sorted by lateness (orders by jeopardy, overdue tasks) and the sweeper's work list.

Existing rows get no schedule here (the defaults: nothing planned, NONE): an open order's
first change or sweep computes it (services/schedule/reschedule.py). `task.due_at` keeps its
old value until then.

On PostgreSQL the task table leaves 30% of each page free (fillfactor 70): a change rewrites
the planned dates of every task whose start waits for the clock, and with room on the page
PostgreSQL updates such a row in place (a HOT update: no new index entries, as long as no
indexed column changed); an 800-task order's rewrite went from ~120 ms to ~45 ms
(bench/reschedule.py). It applies to pages written from now on; `VACUUM FULL task` applies it
to the whole table.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import JeopardyLevel
from tortoise import fields
from tortoise.indexes import Index
from typing import Any

async def leave_room_for_in_place_updates(apps: object, schema_editor: Any) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script("ALTER TABLE task SET (fillfactor = 70)")


async def fill_pages_again(apps: object, schema_editor: Any) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script("ALTER TABLE task RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [('models', '0004_leases')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ServiceOrder',
            name='expected_completion_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='jeopardy',
            field=fields.CharEnumField(default=JeopardyLevel.NONE, db_default=JeopardyLevel.NONE, description='NONE: NONE\nAT_RISK: AT_RISK\nLATE: LATE\nCRITICAL: CRITICAL', enum_type=JeopardyLevel, max_length=16),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='jeopardy_reason',
            field=fields.CharField(default='', db_default='', max_length=256),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='lateness_minutes',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='next_jeopardy_check_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='scheduled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='ServiceOrder',
            index=Index(fields=['jeopardy', 'lateness_minutes', 'id']),
        ),
        ops.AddIndex(
            model_name='ServiceOrder',
            index=Index(fields=['next_jeopardy_check_at']),
        ),
        ops.AddField(
            model_name='Task',
            name='jeopardy',
            field=fields.CharEnumField(default=JeopardyLevel.NONE, db_default=JeopardyLevel.NONE, description='NONE: NONE\nAT_RISK: AT_RISK\nLATE: LATE\nCRITICAL: CRITICAL', enum_type=JeopardyLevel, max_length=16),
        ),
        ops.AddField(
            model_name='Task',
            name='jeopardy_reason',
            field=fields.CharField(default='', db_default='', max_length=256),
        ),
        ops.AddField(
            model_name='Task',
            name='lateness_minutes',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Task',
            name='on_critical_path',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Task',
            name='planned_end_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Task',
            name='planned_start_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Task',
            name='slack_minutes',
            field=fields.IntField(null=True),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['jeopardy', 'lateness_minutes', 'id']),
        ),
        ops.RunPython(leave_room_for_in_place_updates, fill_pages_again),
    ]
