"""The sampled figures: the database pool's, read from Tortoise's asyncpg pool."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from tortoise import connections

from models import User
from services.observability.sampler import sample_pool


@pytest.mark.postgres_only
async def test_the_pool_s_size_and_use_are_sampled(db: str) -> None:
    # given a pool that has served a query
    await User.all().count()

    # when
    sample_pool()

    # then
    client = connections.get("default")
    assert REGISTRY.get_sample_value("fulfillment_db_pool_max_connections") == (client.pool_maxsize)
    in_use = REGISTRY.get_sample_value("fulfillment_db_pool_connections", {"state": "in_use"})
    idle = REGISTRY.get_sample_value("fulfillment_db_pool_connections", {"state": "idle"})
    assert in_use is not None and idle is not None and in_use + idle >= 1
