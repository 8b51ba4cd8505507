"""GET /metrics: the Prometheus text format, for a scraper that sends
`Authorization: Bearer <METRICS_TOKEN>`.

On the service's own port, so that with several workers any of them answers for all
(services/observability/metrics.py) and a load balancer or a scraper needs no second port;
behind a token rather than open, because the figures (operation names, error and traffic
rates) are the operator's, not the clients'. Without METRICS_TOKEN it is not served (404).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from schema.http.errors import error_response
from services.observability.metrics import CONTENT_TYPE, render
from services.observability.sampler import sample
from services.settings import Settings


def metrics_endpoint(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    expected = f"Bearer {settings.metrics_token}".encode() if settings.metrics_token else None

    async def metrics(request: Request) -> Response:
        if expected is None:
            return error_response(request.headers, 404, "Not found: set METRICS_TOKEN.")
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return error_response(
                request.headers, 401, "/metrics needs Authorization: Bearer <METRICS_TOKEN>."
            )
        await sample()
        return Response(render(), media_type=CONTENT_TYPE)

    return metrics
