"""End to end: `server.py serve` and `server.py worker` on one database (a SQLite file, and a
PostgreSQL database), the test acting as the partner, the manager and the agents over HTTP and
websockets.

- An order whose automated tasks the worker does while the agents do the manual ones reaches
  COMPLETED.
- A task the demo handlers are told to fail for good ends in a fallout the system opens, and
  the manager's `falloutChanged` subscription shows it.
- The worker serves its own metrics on its `--metrics-port`, counting the attempts it made.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from bench.server_process import free_port, worker_process
from tests.conftest import create_postgres_database, drop_postgres_database
from tests.e2e.operations import Samples, scrape, value
from tests.ui.server import RunningServer, running_server

pytestmark = pytest.mark.e2e

# A guard against a hang: the order below is done in a few seconds.
DEADLINE_SECONDS = 90.0
WORKER_ENV = {
    "WORKER_DEMO_HANDLERS": "true",
    "WORKER_DEMO_SECONDS": "0",
    "WORKER_POLL_SECONDS": "0.1",
    "WORKER_MAX_POLL_SECONDS": "0.5",
    "LOG_FORMAT": "json",
}
TASKS = """query($order: ID!) { tasks(filter: {serviceOrderId: $order}, first: 100) {
  edges { node { id number state kind handler attempts output
    assignmentGroup { id } assignee { username } } } } }"""
ORDER = """query($id: ID!) { serviceOrder(id: $id) {
  state progress { totalTasks completedTasks percent } } }"""
HISTORY = """query($id: ID!, $after: String) { serviceOrder(id: $id) {
  history(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
    edges { node { kind actor { username } payload } } } } }"""
FALLOUTS = """subscription($after: String) { falloutChanged(after: $after) {
  kind payload fallout { number type description state createdBy { username }
    task { number state } } } }"""


@dataclass(frozen=True)
class Cluster:
    server: RunningServer
    worker_metrics: str  # the worker's metrics port, as a base URL


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    """The server and a worker process on one database: a SQLite file the two processes
    share, or a PostgreSQL database of the test's own whose NOTIFY carries the events from
    one process to the other (the production set-up)."""
    directory = tmp_path_factory.mktemp("automated")
    if request.param == "sqlite":
        with running_server(directory) as server, worker_of(server, directory) as metrics:
            yield Cluster(server, metrics)
        return
    database_url = asyncio.run(create_postgres_database()).replace("postgresql://", "postgres://")
    try:
        with (
            running_server(
                directory, DATABASE_URL=database_url, BROADCAST_URL=database_url
            ) as server,
            worker_of(server, directory) as metrics,
        ):
            yield Cluster(server, metrics)
    finally:
        asyncio.run(drop_postgres_database(database_url))


@contextmanager
def worker_of(server: RunningServer, directory: Path) -> Iterator[str]:
    """A worker of `server`'s database; the URL of its metrics."""
    env = {**server.env, **WORKER_ENV}
    port = free_port()
    args = ("--concurrency", "4", "--metrics-port", str(port))
    with worker_process(env, directory / "worker.log", *args):
        yield f"http://127.0.0.1:{port}"


class Client:
    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    def mutate(self, name: str, fields: str, **values: Any) -> dict[str, Any]:
        input_type = name[0].upper() + name[1:] + "Input"
        query = f"""mutation($input: {input_type}!) {{ {name}(input: $input) {{
            {fields} userErrors {{ code message field }} }} }}"""
        payload: dict[str, Any] = self(query, input=values)[name]
        assert payload["userErrors"] == [], payload
        return payload


def people(http: httpx.Client, server: RunningServer) -> dict[str, Client]:
    return {
        name: Client(http, server.command("token", name))
        for name in ("partner", "manager", "agent1", "agent2")
    }


def submitted_and_approved(
    clients: dict[str, Client], external_id: str, characteristics: dict[str, Any]
) -> str:
    order = clients["partner"].mutate(
        "submitServiceOrder",
        "serviceOrder { id }",
        customer="E2E Automated Customer",
        externalId=external_id,
        lineItems=[
            {
                "specificationCode": "MOBILE_LINE",
                "quantity": 1,
                "characteristics": characteristics,
            }
        ],
    )["serviceOrder"]
    clients["manager"].mutate(
        "approveServiceOrder", "serviceOrder { state }", serviceOrderId=order["id"]
    )
    order_id: str = order["id"]
    return order_id


def whole_history(client: Client, order_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = None
    while True:
        page = client(HISTORY, id=order_id, after=after)["serviceOrder"]["history"]
        events += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return events
        after = page["pageInfo"]["endCursor"]


def worked_to_completion(clients: dict[str, Client], order_id: str) -> list[dict[str, Any]]:
    """The agents work every READY manual task of the order (the worker the automated ones)
    until it is COMPLETED; its tasks then."""
    manager = clients["manager"]
    groups = {
        name: {g["id"] for g in clients[name]("{ me { groups { id } } }")["me"]["groups"]}
        for name in ("agent1", "agent2")
    }
    deadline = time.monotonic() + DEADLINE_SECONDS
    while manager(ORDER, id=order_id)["serviceOrder"]["state"] != "COMPLETED":
        assert time.monotonic() < deadline, manager(TASKS, order=order_id)
        tasks = [edge["node"] for edge in manager(TASKS, order=order_id)["tasks"]["edges"]]
        ready = [t for t in tasks if t["state"] == "READY" and t["kind"] == "MANUAL"]
        for task in ready:
            name = next(
                n for n in ("agent1", "agent2") if task["assignmentGroup"]["id"] in groups[n]
            )
            clients[name].mutate("startTask", "task { state }", taskId=task["id"])
            clients[name].mutate("completeTask", "task { state }", taskId=task["id"])
        if not ready:
            time.sleep(0.1)  # the worker's turn: nothing for the agents to do now
    return [edge["node"] for edge in manager(TASKS, order=order_id)["tasks"]["edges"]]


def test_the_worker_does_the_automated_tasks_while_agents_do_the_manual_ones(
    cluster: Cluster,
) -> None:
    with httpx.Client(base_url=cluster.server.url, timeout=30) as http:
        clients = people(http, cluster.server)
        manager = clients["manager"]
        # given an approved order of a product with automated and manual tasks
        order_id = submitted_and_approved(clients, "E2E-AUTO-1", {})

        # when the agents work every READY manual task, until the order is done
        tasks = worked_to_completion(clients, order_id)

        # then the order is complete, its automated tasks done by the worker in one attempt each
        order = manager(ORDER, id=order_id)["serviceOrder"]
        history = whole_history(manager, order_id)

    assert order["progress"]["percent"] == 100
    automated = [t for t in tasks if t["kind"] == "AUTOMATED"]
    manual = [t for t in tasks if t["kind"] == "MANUAL"]
    assert automated and manual
    assert all(t["state"] == "COMPLETED" for t in tasks)
    assert all(t["attempts"] == 1 and t["output"]["handler"] == t["handler"] for t in automated)
    completions = {
        event["payload"]["number"]: event["actor"]["username"]
        for event in history
        if event["kind"] == "task.completed"
    }
    assert {completions[t["number"]] for t in automated} == {"automation"}
    assert {completions[t["number"]] for t in manual} <= {"agent1", "agent2"}


def test_a_permanent_failure_reaches_the_managers_fallout_subscription(cluster: Cluster) -> None:
    server = cluster.server
    ws_url = server.url.replace("http://", "ws://") + "/graphql"
    with httpx.Client(base_url=server.url, timeout=30) as http:
        clients = people(http, server)
        with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            # given the manager following fallout live
            init = {"authorization": f"Bearer {clients['manager'].token}"}
            ws.send(json.dumps({"type": "connection_init", "payload": init}))
            assert json.loads(ws.recv(timeout=10))["type"] == "connection_ack"
            ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": FALLOUTS}}))

            # when an order's line item is marked to fail its first automated task for good
            submitted_and_approved(
                clients,
                "E2E-AUTO-FAIL",
                {"simulateFailure": {"demo.allocate_resource": "permanent"}},
            )

            # then a fallout the system opened for it reaches the manager
            deadline = time.monotonic() + DEADLINE_SECONDS
            while True:
                message = json.loads(ws.recv(timeout=max(deadline - time.monotonic(), 0.1)))
                assert message["type"] == "next", message
                event = message["payload"]["data"]["falloutChanged"]
                if event["kind"] == "fallout.created":
                    break

    fallout = event["fallout"]
    assert fallout["type"] == "PROVISIONING_FAILURE"
    assert fallout["state"] == "OPEN"
    assert "simulated failure of demo.allocate_resource" in fallout["description"]
    assert fallout["task"]["state"] == "ON_HOLD"


def attempts(samples: Samples, handler: str, outcome: str) -> float:
    return value(samples, "fulfillment_automated_tasks_total", handler=handler, outcome=outcome)


def test_the_worker_serves_its_own_metrics_counting_the_attempts_it_made(
    cluster: Cluster,
) -> None:
    # given what the worker counted so far (it also works the seeded demo orders)
    before = scrape(cluster.worker_metrics)
    with httpx.Client(base_url=cluster.server.url, timeout=30) as http:
        clients = people(http, cluster.server)

        # when it does the automated tasks of an order
        order_id = submitted_and_approved(clients, "E2E-AUTO-METRICS", {})
        tasks = worked_to_completion(clients, order_id)

    # then its metrics port counts a lock and a completion for each, by handler (counted
    # just after each commit: the order may be seen COMPLETED a moment before the last)
    done = Counter(t["handler"] for t in tasks if t["kind"] == "AUTOMATED")
    assert done
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        after = scrape(cluster.worker_metrics)
        counted = {
            handler: (
                attempts(after, handler, "locked") - attempts(before, handler, "locked"),
                attempts(after, handler, "completed") - attempts(before, handler, "completed"),
            )
            for handler in done
        }
        if all(min(counted[h]) >= n for h, n in done.items()) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert all(min(counted[h]) >= n for h, n in done.items()), (counted, done)
    # and the worker's own sweepers and process figures (single-process mode)
    lock_expiry = frozenset({("sweeper", "automation.lock_expiry"), ("outcome", "ran")})
    assert ("fulfillment_sweeper_passes_total", lock_expiry) in after
    assert value(after, "process_cpu_seconds_total") > 0
