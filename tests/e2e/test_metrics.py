"""Over a real server (`server.py serve`): /metrics, parsed by prometheus-client's text parser
before and after a scripted session (queries, an error, a subscription, a mutation it
delivers), shows the series the session moved."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from services.workers.demo import demo_topics
from tests.e2e.operations import SAFETY_TIMEOUT_SECONDS, Operated, Samples, scrape, value
from tests.ui.server import RunningServer

pytestmark = pytest.mark.e2e

ORDER = "U2VydmljZU9yZGVyOjE="  # SO0001001, NEW in the demo data
REQUESTS = "fulfillment_graphql_request_duration_seconds_count"
HISTORY = (
    "query History($id: ID!) { serviceOrder(id: $id) { history(first: 1) { edges { cursor } } } }"
)
ORDERS = "query Orders { serviceOrders { totalCount } }"
BROKEN = "query Broken { nope }"
APPROVE = (
    "mutation Approve($id: ID!) { approveServiceOrder(input: {serviceOrderId: $id}) "
    "{ serviceOrder { state } userErrors { code } } }"
)
FETCH = (
    'mutation Fetch($handlers: [String!]!) { fetchAndLockTasks(input: {workerId: "oss-1", '
    "handlers: $handlers, maxTasks: 1, lockSeconds: 60}) { tasks { task { id handler } } } }"
)
COMPLETE = (
    "mutation Complete($id: ID!) { completeAutomatedTask(input: {taskId: $id, "
    'workerId: "oss-1", output: {}}) { userErrors { code } } }'
)
WATCH = (
    "subscription Watch($id: ID!, $after: String) "
    "{ serviceOrderChanged(serviceOrderId: $id, after: $after) { cursor kind } }"
)


@dataclass(frozen=True)
class Session:
    before: Samples
    # While the websocket and its subscription were open, after a delivery.
    during: Samples
    # Once the websocket had closed.
    after: Samples


@pytest.fixture(scope="module")
def server(operated: Operated) -> RunningServer:
    return operated.server


def graphql(server: RunningServer, token: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def session(server: RunningServer) -> Session:
    token = server.command("token", "manager")
    before = scrape(server.url)
    history = graphql(server, token, HISTORY, id=ORDER)["data"]["serviceOrder"]["history"]
    cursor = history["edges"][0]["cursor"]
    graphql(server, token, ORDERS)
    graphql(server, token, ORDERS)
    graphql(server, token, BROKEN)
    ws_url = server.url.replace("http://", "ws://") + "/graphql"
    with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(ws.recv(timeout=SAFETY_TIMEOUT_SECONDS))["type"] == "connection_ack"
        # With `after:`, the approval is delivered whether it commits before the subscription
        # has joined the relay (replayed) or after (live).
        payload = {"query": WATCH, "variables": {"id": ORDER, "after": cursor}}
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        approved = graphql(server, token, APPROVE, id=ORDER)
        assert approved["data"]["approveServiceOrder"]["userErrors"] == [], approved
        message = json.loads(ws.recv(timeout=SAFETY_TIMEOUT_SECONDS))
        assert message["type"] == "next", message
        during = scrape(server.url)
    deadline = time.monotonic() + SAFETY_TIMEOUT_SECONDS
    after = scrape(server.url)
    # The server notices the close on its own time.
    while value(after, "fulfillment_websockets_open") > 0:
        assert time.monotonic() < deadline, "the websocket never counted as closed"
        time.sleep(0.05)
        after = scrape(server.url)
    return Session(before, during, after)


def moved(session: Session, name: str, **labels: str) -> float:
    return value(session.after, name, **labels) - value(session.before, name, **labels)


def test_queries_are_counted_by_operation_and_outcome(session: Session) -> None:
    assert moved(session, REQUESTS, operation="Orders", type="query", outcome="ok") == 2


def test_a_mutation_is_counted_by_its_name(session: Session) -> None:
    assert moved(session, REQUESTS, operation="Approve", type="mutation", outcome="ok") == 1


def test_a_refused_query_is_counted_as_rejected(session: Session) -> None:
    assert moved(session, REQUESTS, operation="Broken", type="query", outcome="rejected") == 1


def test_errors_are_counted_by_code(session: Session) -> None:
    assert moved(session, "fulfillment_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1


def test_latency_is_a_histogram_with_every_request_in_its_last_bucket(session: Session) -> None:
    bucket = "fulfillment_graphql_request_duration_seconds_bucket"
    labels = {"operation": "Orders", "type": "query", "outcome": "ok"}
    assert moved(session, bucket, le="+Inf", **labels) == 2
    assert moved(session, "fulfillment_graphql_request_duration_seconds_sum", **labels) > 0


def test_http_requests_are_counted_by_route_and_status(session: Session) -> None:
    # History, Orders twice, Broken, Approve.
    assert moved(session, "fulfillment_http_requests_total", route="/graphql", status="200") == 5


def test_an_open_websocket_and_its_subscription_are_gauged(session: Session) -> None:
    assert value(session.during, "fulfillment_websockets_open") == 1
    assert value(session.during, "fulfillment_subscriptions_active") == 1


def test_a_closed_websocket_leaves_the_gauges(session: Session) -> None:
    assert value(session.after, "fulfillment_websockets_open") == 0
    assert value(session.after, "fulfillment_subscriptions_active") == 0


def test_the_delivery_is_counted(session: Session) -> None:
    assert moved(session, "fulfillment_subscription_deliveries_total") >= 1
    assert moved(session, "fulfillment_subscription_drops_total") == 0


def test_the_relay_counts_what_it_read_and_its_lag(session: Session) -> None:
    assert moved(session, "fulfillment_relay_events_total") >= 1
    assert ("fulfillment_relay_lag_seconds", frozenset()) in session.after


def test_the_outbox_is_empty_once_the_relay_has_read_it(session: Session) -> None:
    assert value(session.after, "fulfillment_outbox_backlog_events") == 0


def test_metrics_without_the_token_are_refused(server: RunningServer) -> None:
    response = httpx.get(f"{server.url}/metrics")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_metrics_with_another_token_are_refused(server: RunningServer) -> None:
    response = httpx.get(f"{server.url}/metrics", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_the_sweepers_passes_and_the_orders_in_jeopardy_are_exported(session: Session) -> None:
    ran = frozenset({("sweeper", "jeopardy"), ("outcome", "ran")})
    assert ("fulfillment_sweeper_passes_total", ran) in session.after
    assert ("fulfillment_orders_in_jeopardy", frozenset({("level", "LATE")})) in session.after


def test_the_server_s_sweeper_holds_its_lease(session: Session) -> None:
    assert value(session.after, "fulfillment_sweeper_lease_seconds_left", sweeper="jeopardy") > 0


def test_a_worker_s_answers_over_the_api_are_counted_by_the_server(server: RunningServer) -> None:
    # given a worker over the API (the seeded demo leaves automated tasks READY)
    token = server.command("token", "automation")
    before = scrape(server.url)

    # when it takes a task and completes it
    fetched = graphql(server, token, FETCH, handlers=sorted(demo_topics()))
    [locked] = fetched["data"]["fetchAndLockTasks"]["tasks"]
    completed = graphql(server, token, COMPLETE, id=locked["task"]["id"])
    assert completed["data"]["completeAutomatedTask"]["userErrors"] == [], completed

    # then the server counted the attempt and how it ended, by the task's handler
    after, handler = scrape(server.url), locked["task"]["handler"]
    name = "fulfillment_automated_tasks_total"
    for outcome in ("locked", "completed"):
        labels = {"handler": handler, "outcome": outcome}
        assert value(after, name, **labels) - value(before, name, **labels) == 1, outcome
