from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import ServiceOrderState
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='DomainOrder',
            index=Index(fields=['service_order_id', 'depth']),
        ),
        ops.AddIndex(
            model_name='DomainOrder',
            index=Index(fields=['line_item_id']),
        ),
        ops.AddIndex(
            model_name='DomainOrder',
            index=Index(fields=['parent_id']),
        ),
        ops.AddIndex(
            model_name='FalloutRecord',
            index=Index(fields=['task_id', 'state']),
        ),
        ops.AddIndex(
            model_name='FalloutRecord',
            index=Index(fields=['state', 'id']),
        ),
        ops.AddIndex(
            model_name='FalloutRecord',
            index=Index(fields=['assignee_id', 'id']),
        ),
        ops.AddIndex(
            model_name='LineItem',
            index=Index(fields=['service_order_id', 'position']),
        ),
        ops.AlterField(
            model_name='ServiceOrder',
            name='customer',
            field=fields.CharField(max_length=128),
        ),
        ops.AlterField(
            model_name='ServiceOrder',
            name='state',
            field=fields.CharEnumField(default=ServiceOrderState.NEW, description='NEW: NEW\nACKNOWLEDGED: ACKNOWLEDGED\nREJECTED: REJECTED\nIN_PROGRESS: IN_PROGRESS\nCOMPLETED: COMPLETED\nPARTIAL: PARTIAL\nFAILED: FAILED', enum_type=ServiceOrderState, max_length=16),
        ),
        ops.AddIndex(
            model_name='ServiceOrder',
            index=Index(fields=['state', 'id']),
        ),
        ops.AddIndex(
            model_name='ServiceOrder',
            index=Index(fields=['submitted_by_id', 'id']),
        ),
        ops.AddIndex(
            model_name='ServiceOrder',
            index=Index(fields=['customer', 'id']),
        ),
        ops.RemoveIndex(
            model_name='Task',
            name=None,
            fields=['assignee_id', 'state'],
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['domain_order_id']),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['state', 'id']),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['assignment_group_id', 'state', 'id']),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['assignee_id', 'state', 'id']),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['assignee_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['template_id']),
        ),
        ops.AddIndex(
            model_name='TaskDependency',
            index=Index(fields=['depends_on_id', 'task_id']),
        ),
    ]
