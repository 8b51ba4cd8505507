"""Automated tasks (issue 13): a template's kind, handler and retry policy, copied onto its
tasks; a task's lease (locked_by, lock_expires_at), next attempt, last error, output and
corrected input; the indexes of fetch-and-lock and of the lease sweeper. Existing rows are
MANUAL, which is what they were. A fallout's created_by may be null: created by the system.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.enums import TaskKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0013_installed_base')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='FalloutRecord',
            name='created_by',
            field=fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='created_fallouts', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Task',
            name='backoff_max_seconds',
            field=fields.IntField(default=600, db_default=600),
        ),
        ops.AddField(
            model_name='Task',
            name='backoff_seconds',
            field=fields.IntField(default=30, db_default=30),
        ),
        ops.AddField(
            model_name='Task',
            name='handler',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='Task',
            name='input',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='Task',
            name='kind',
            field=fields.CharEnumField(default=TaskKind.MANUAL, db_default=TaskKind.MANUAL, description='MANUAL: MANUAL\nAUTOMATED: AUTOMATED', enum_type=TaskKind, max_length=16),
        ),
        ops.AddField(
            model_name='Task',
            name='last_error',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Task',
            name='lock_expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Task',
            name='lock_seconds',
            field=fields.IntField(default=300, db_default=300),
        ),
        ops.AddField(
            model_name='Task',
            name='locked_by',
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddField(
            model_name='Task',
            name='max_attempts',
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name='Task',
            name='next_attempt_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Task',
            name='output',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['handler', 'state', 'next_attempt_at', 'id']),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['lock_expires_at']),
        ),
        ops.AddField(
            model_name='TaskTemplate',
            name='backoff_max_seconds',
            field=fields.IntField(default=600, db_default=600),
        ),
        ops.AddField(
            model_name='TaskTemplate',
            name='backoff_seconds',
            field=fields.IntField(default=30, db_default=30),
        ),
        ops.AddField(
            model_name='TaskTemplate',
            name='handler',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='TaskTemplate',
            name='kind',
            field=fields.CharEnumField(default=TaskKind.MANUAL, db_default=TaskKind.MANUAL, description='MANUAL: MANUAL\nAUTOMATED: AUTOMATED', enum_type=TaskKind, max_length=16),
        ),
        ops.AddField(
            model_name='TaskTemplate',
            name='lock_seconds',
            field=fields.IntField(default=300, db_default=300),
        ),
        ops.AddField(
            model_name='TaskTemplate',
            name='max_attempts',
            field=fields.IntField(default=3, db_default=3),
        ),
    ]
