from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import SoldProductState
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

"""The installed base (docs/design/lifecycle-and-installed-base.md, sections 1 and 2): the
product a MODIFY or DELETE item changes, a product's current characteristics and TERMINATED
state, and the catalog's actions and the characteristics a specification's MODIFY reacts to.

The data step gives existing products the characteristics of the ADD item that created them.
"""

PRODUCT_CHARACTERISTICS = """
UPDATE sold_product SET characteristics = (
    SELECT line_item.characteristics FROM line_item WHERE line_item.id = sold_product.line_item_id
)
"""


class Migration(migrations.Migration):
    dependencies = [('models', '0012_order_point_of_no_return')]

    initial = False

    operations = [
        ops.AddField(
            model_name='LineItem',
            name='changed_product_id',
            field=fields.IntField(null=True),
        ),
        ops.AddIndex(
            model_name='LineItem',
            index=Index(fields=['changed_product_id', 'state']),
        ),
        ops.AddIndex(
            model_name='LineItem',
            index=Index(fields=['action', 'service_order_id']),
        ),
        ops.AddField(
            model_name='ServiceSpecification',
            name='depends_on_characteristics',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AlterField(
            model_name='SoldProduct',
            name='state',
            field=fields.CharEnumField(default=SoldProductState.PENDING, description='PENDING: PENDING\nACTIVE: ACTIVE\nTERMINATED: TERMINATED\nCANCELLED: CANCELLED', enum_type=SoldProductState, max_length=16),
        ),
        ops.AddField(
            model_name='SoldProduct',
            name='characteristics',
            field=fields.JSONField(default=dict, db_default={}, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='SoldProduct',
            name='terminated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='SoldProduct',
            index=Index(fields=['customer', 'id']),
        ),
        ops.AddIndex(
            model_name='SoldProduct',
            index=Index(fields=['state', 'id']),
        ),
        ops.AddIndex(
            model_name='SoldProduct',
            index=Index(fields=['specification_id', 'id']),
        ),
        ops.AddField(
            model_name='SpecificationRelationship',
            name='actions',
            field=fields.CharField(default='ADD,MODIFY,DELETE', db_default='ADD,MODIFY,DELETE', max_length=32),
        ),
        ops.AddField(
            model_name='TaskTemplate',
            name='actions',
            field=fields.CharField(default='ADD', db_default='ADD', max_length=32),
        ),
        ops.RunSQL([PRODUCT_CHARACTERISTICS], reverse_sql=[]),
    ]
