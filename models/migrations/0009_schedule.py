"""The schedule (issue 14): each task's planned start and end, slack, critical-path flag,
jeopardy and how late it is; each order's expected completion, jeopardy, lateness, the next
time the jeopardy sweeper looks at it, and the clock its schedule was computed at. Indexes for
the lists sorted by lateness (orders by jeopardy, overdue tasks) and the sweeper's work list.

Existing rows get no schedule here (the defaults: nothing planned, NONE): an open order's
first change or sweep computes it (services/schedule/reschedule.py). `task.due_at` keeps its
old value until then.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import JeopardyLevel
from tortoise import fields
from tortoise.indexes import Index

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
            field=fields.CharEnumField(default=JeopardyLevel.NONE, description='NONE: NONE\nAT_RISK: AT_RISK\nLATE: LATE\nCRITICAL: CRITICAL', enum_type=JeopardyLevel, max_length=16),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='jeopardy_reason',
            field=fields.CharField(default='', max_length=256),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='lateness_minutes',
            field=fields.IntField(default=0),
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
            field=fields.CharEnumField(default=JeopardyLevel.NONE, description='NONE: NONE\nAT_RISK: AT_RISK\nLATE: LATE\nCRITICAL: CRITICAL', enum_type=JeopardyLevel, max_length=16),
        ),
        ops.AddField(
            model_name='Task',
            name='jeopardy_reason',
            field=fields.CharField(default='', max_length=256),
        ),
        ops.AddField(
            model_name='Task',
            name='lateness_minutes',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='Task',
            name='on_critical_path',
            field=fields.BooleanField(default=False),
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
    ]
