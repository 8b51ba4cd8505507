"""The app the plan benchmark serves: the service's own app (server.create_app), with baseline
(b)'s hand-written endpoint added at /baseline/plan, so both run in one uvicorn process on one
database connection pool.

uvicorn bench.plan_app:create_bench_app --factory   (configured by the environment, like
server.py: DATABASE_URL, JWT_SECRET, …)
"""

from __future__ import annotations

from starlette.applications import Starlette

from bench.baseline_plan import baseline_route
from server import create_app
from services.settings import Settings, get_settings


def create_bench_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    app = create_app(settings)
    app.router.routes.insert(0, baseline_route(settings))
    return app
