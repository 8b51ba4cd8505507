"""Leases: which process of a cluster runs a periodic job (a sweeper) right now."""

from tortoise import fields
from tortoise.models import Model


class Lease(Model):
    name = fields.CharField(max_length=64, primary_key=True)
    holder = fields.CharField(max_length=128)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "lease"
