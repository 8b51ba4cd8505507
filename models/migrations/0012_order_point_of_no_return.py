"""The order keeps the first time an item of it passed its point of no return, so that whether
it can be cancelled as a whole is read from the order row alone (a list's `viewerCan`)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('models', '0011_hold_and_revision')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ServiceOrder',
            name='point_of_no_return_reached_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
