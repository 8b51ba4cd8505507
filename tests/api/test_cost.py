"""The query cost limit (schema/extensions/cost.py): an operation is priced by the objects it
can return before it runs; over MAX_QUERY_COST it is refused with QUERY_TOO_COMPLEX."""

from __future__ import annotations

from pathlib import Path

import httpx

from bench.plan_query import PLAN_QUERY
from server import create_app
from tests.api.conftest import api_settings
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users

# 30 aliases of 100 orders with every task of each plan and their dependents (issue 11: 4.7 s
# on a tiny database, /healthz stalled 3.4 s).
PLANS = "serviceOrders(first: 100) { edges { node { tasks { dependents { id } } } } }"
ABUSIVE = "{ " + " ".join(f"o{n}: {PLANS}" for n in range(30)) + " }"


async def test_the_cost_is_reported_in_extensions(api: Api, users: Users) -> None:
    body = await api.as_("viewer", "{ me { username groups { name } } }")
    # me 1 + its groups, a plain list priced as 10
    assert body["extensions"]["cost"] == {"requestedQueryCost": 11, "maximumAvailable": 100000}


async def test_a_connection_costs_its_page(api: Api, users: Users) -> None:
    body = await api.as_("viewer", "{ tasks(first: 20) { edges { node { assignee { id } } } } }")
    # the connection 1 + 20 x (edge 1 + node 1 + assignee 1)
    assert body["extensions"]["cost"]["requestedQueryCost"] == 1 + 20 * 3


async def test_first_from_a_variable_prices_the_page(api: Api, users: Users) -> None:
    query = "query($n: Int) { tasks(first: $n) { edges { node { id } } } }"
    body = await api.as_("viewer", query, {"n": 3})
    assert body["extensions"]["cost"]["requestedQueryCost"] == 1 + 3 * 2


async def test_a_query_over_the_cost_limit_is_refused_before_it_runs(
    api: Api, users: Users
) -> None:
    body = await api.as_("viewer", ABUSIVE)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] > 100000


async def test_the_uis_plan_query_is_within_the_default_limit(api: Api, users: Users) -> None:
    body = await api.as_("viewer", PLAN_QUERY, {"id": gid("ServiceOrder", 1)})
    assert "errors" not in body, body["errors"]
    assert body["extensions"]["cost"] == {"requestedQueryCost": 25826, "maximumAvailable": 100000}


async def test_the_limit_is_configurable(db: str, users: Users, tmp_path: Path) -> None:
    settings = api_settings(tmp_path, max_query_cost=20000)
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        body = await Api(client, settings).as_("viewer", PLAN_QUERY, {"id": gid("ServiceOrder", 1)})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
