"""Hold and revision: the HELD order state, what a hold remembers (held_from, held_at) and adds
up (held_seconds), and the order's revision number (0 as submitted, +1 per revision).

Existing orders were never held nor revised: the defaults (null, 0) are their true values.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import ServiceOrderState
from tortoise import fields



class Migration(migrations.Migration):
    dependencies = [('models', '0010_lifecycle_cancel')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='ServiceOrder',
            name='state',
            field=fields.CharEnumField(default=ServiceOrderState.NEW, description='NEW: NEW\nACKNOWLEDGED: ACKNOWLEDGED\nREJECTED: REJECTED\nIN_PROGRESS: IN_PROGRESS\nHELD: HELD\nCANCELLING: CANCELLING\nCOMPLETED: COMPLETED\nPARTIAL: PARTIAL\nFAILED: FAILED\nCANCELLED: CANCELLED', enum_type=ServiceOrderState, max_length=16),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='held_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='held_from',
            field=fields.CharEnumField(null=True, description='NEW: NEW\nACKNOWLEDGED: ACKNOWLEDGED\nREJECTED: REJECTED\nIN_PROGRESS: IN_PROGRESS\nHELD: HELD\nCANCELLING: CANCELLING\nCOMPLETED: COMPLETED\nPARTIAL: PARTIAL\nFAILED: FAILED\nCANCELLED: CANCELLED', enum_type=ServiceOrderState, max_length=16),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='held_seconds',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='ServiceOrder',
            name='revision',
            field=fields.IntField(default=0, db_default=0),
        ),
    ]
