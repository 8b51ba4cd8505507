"""Fixtures of the service order tests: the demo catalog and users, and orders in each state."""

from __future__ import annotations

import pytest_asyncio

from models import ServiceOrder, User
from tests.services.orders.helpers import submit


@pytest_asyncio.fixture
async def new_order(users: dict[str, User]) -> ServiceOrder:
    """A NEW order for one fibre broadband line, submitted by the partner system."""
    return await submit(users["partner"], "FIBRE_BROADBAND")
