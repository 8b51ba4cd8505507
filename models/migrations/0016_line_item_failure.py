"""A line item can fail (issue 12: the final states FAILED and PARTIAL): a fallout resolved
FAIL_LINE_ITEM marks its task's item failed (`failed_at`, `failure_reason`), and the rollup makes
it FAILED instead of CANCELLED once its compensation is done. Both columns are nullable: every
item stored before has not failed.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import FalloutAction
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0015_schedule_backfill')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='FalloutRecord',
            name='resolution_action',
            field=fields.CharEnumField(null=True, description='RETRY_TASK: RETRY_TASK\nCOMPLETE_TASK: COMPLETE_TASK\nSKIP_TASK: SKIP_TASK\nFAIL_LINE_ITEM: FAIL_LINE_ITEM', enum_type=FalloutAction, max_length=16),
        ),
        ops.AddField(
            model_name='LineItem',
            name='failed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='LineItem',
            name='failure_reason',
            field=fields.TextField(null=True, unique=False),
        ),
    ]
