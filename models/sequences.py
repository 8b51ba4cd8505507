"""Counters behind the human-readable numbers (SO0001001, DO…, TASK…, FO…)."""

from tortoise import fields
from tortoise.models import Model


class NumberSequence(Model):
    name = fields.CharField(max_length=32, primary_key=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "number_sequence"
