"""Cancellation with compensation and the point of no return (issue 12; docs/design/
lifecycle-and-installed-base.md): the CANCELLING states, the catalog's `point_of_no_return` and
`compensated_by`, a task's copy of the mark and the task it compensates, and on line items when
the point of no return was passed and when (and why) the item was cancelled; on domain orders
when they were cancelled.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import FulfillmentState, ServiceOrderState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_schedule')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DomainOrder',
            name='cancelled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AlterField(
            model_name='DomainOrder',
            name='state',
            field=fields.CharEnumField(default=FulfillmentState.PENDING, description='PENDING: PENDING\nIN_PROGRESS: IN_PROGRESS\nCANCELLING: CANCELLING\nCOMPLETED: COMPLETED\nFAILED: FAILED\nCANCELLED: CANCELLED', enum_type=FulfillmentState, max_length=16),
        ),
        ops.AlterField(
            model_name='LineItem',
            name='state',
            field=fields.CharEnumField(default=FulfillmentState.PENDING, description='PENDING: PENDING\nIN_PROGRESS: IN_PROGRESS\nCANCELLING: CANCELLING\nCOMPLETED: COMPLETED\nFAILED: FAILED\nCANCELLED: CANCELLED', enum_type=FulfillmentState, max_length=16),
        ),
        ops.AddField(
            model_name='LineItem',
            name='cancellation_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='LineItem',
            name='cancelled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='LineItem',
            name='point_of_no_return_reached_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AlterField(
            model_name='ServiceOrder',
            name='state',
            field=fields.CharEnumField(default=ServiceOrderState.NEW, description='NEW: NEW\nACKNOWLEDGED: ACKNOWLEDGED\nREJECTED: REJECTED\nIN_PROGRESS: IN_PROGRESS\nCANCELLING: CANCELLING\nCOMPLETED: COMPLETED\nPARTIAL: PARTIAL\nFAILED: FAILED\nCANCELLED: CANCELLED', enum_type=ServiceOrderState, max_length=16),
        ),
        ops.AddField(
            model_name='Task',
            name='compensates',
            field=fields.ForeignKeyField('models.Task', source_field='compensates_id', null=True, db_constraint=True, to_field='id', related_name='compensated_by', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Task',
            name='is_point_of_no_return',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['compensates_id']),
        ),
        ops.AddField(
            model_name='TaskTemplate',
            name='compensated_by',
            field=fields.ForeignKeyField('models.TaskTemplate', source_field='compensated_by_id', null=True, db_constraint=True, to_field='id', related_name='compensates', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='TaskTemplate',
            name='point_of_no_return',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
