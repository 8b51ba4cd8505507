"""End to end: a `server.py worker` killed (SIGKILL) in the middle of a task, on PostgreSQL with
`server.py serve` beside it (the production set-up).

Its lock is no longer extended and runs out; the lease sweeper, on whichever process holds its
lease (the dead worker's passes to `serve` or to the new worker), counts it as a retryable
failure ("worker lost"), and another worker retries the task once the backoff is over: two
attempts, each with its own events, the endpoint's work done by the second. A catalog of the
test's own gives the task short locks and backoffs, so this takes seconds, not minutes.
"""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.server_process import worker_process
from tests.conftest import create_postgres_database, drop_postgres_database
from tests.ui.server import RunningServer, running_server

pytestmark = pytest.mark.e2e

DEADLINE_SECONDS = 90.0
TOPIC = "e2e.provision"
CATALOG = f"""
assignment_groups:
  - name: e2e-automation
specifications:
  - code: E2E_PROVISIONED
    name: A product one automated task provisions
    kind: PRODUCT
    domain: e2e
    task_templates:
      - code: provision
        name: Provision it
        assignment_group: e2e-automation
        kind: AUTOMATED
        handler: {TOPIC}
        max_attempts: 3
        backoff_seconds: 1
        backoff_max_seconds: 1
        lock_seconds: 5
"""
TASKS = """query($order: ID!) { tasks(filter: {serviceOrderId: $order}, first: 10) {
  edges { node { number state attempts lockedBy lastError output } } } }"""
HISTORY = """query($id: ID!) { serviceOrder(id: $id) { state
  history(first: 100) { edges { node { kind payload } } } } }"""


class Endpoint(BaseHTTPRequestHandler):
    """The first request hangs (the worker doing it is killed meanwhile); later ones answer."""

    protocol_version = "HTTP/1.1"
    attempts: list[int] = []
    first_arrived = threading.Event()
    release = threading.Event()

    def do_POST(self) -> None:
        context = json.loads(self.rfile.read(int(self.headers["content-length"])))
        attempt = context["task"]["attempt"]
        type(self).attempts.append(attempt)
        if len(type(self).attempts) == 1:
            type(self).first_arrived.set()
            type(self).release.wait(DEADLINE_SECONDS)
            return
        body = json.dumps({"provisionedOnAttempt": attempt}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    Endpoint.attempts = []
    Endpoint.first_arrived, Endpoint.release = threading.Event(), threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/provision"
    finally:
        Endpoint.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    database_url = asyncio.run(create_postgres_database()).replace("postgresql://", "postgres://")
    try:
        with running_server(tmp_path, DATABASE_URL=database_url, BROADCAST_URL=database_url) as up:
            catalog = tmp_path / "catalog.yaml"
            catalog.write_text(CATALOG)
            up.command("catalog", str(catalog))
            yield up
    finally:
        asyncio.run(drop_postgres_database(database_url))


def graphql(http: httpx.Client, token: str, query: str, **variables: Any) -> dict[str, Any]:
    response = http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_a_killed_workers_task_is_retried_by_another_worker(
    server: RunningServer, endpoint: str, tmp_path: Path
) -> None:
    env = {
        **server.env,
        "WORKER_HTTP_ROUTES": json.dumps({TOPIC: endpoint}),
        "WORKER_LOCK_SECONDS": "5",
        "WORKER_POLL_SECONDS": "0.1",
        "WORKER_MAX_POLL_SECONDS": "0.5",
    }
    partner, manager = (server.command("token", name) for name in ("partner", "manager"))
    with httpx.Client(base_url=server.url, timeout=30) as http:
        # given a worker that has locked the order's task and is working it (the endpoint hangs)
        with worker_process(env, tmp_path / "doomed.log", "--worker-id", "doomed") as doomed:
            submitted = graphql(
                http,
                partner,
                """mutation($input: SubmitServiceOrderInput!) { submitServiceOrder(input: $input)
                  { serviceOrder { id } userErrors { message } } }""",
                input={
                    "customer": "E2E Killed Worker",
                    "lineItems": [{"specificationCode": "E2E_PROVISIONED", "quantity": 1}],
                },
            )
            order_id = submitted["submitServiceOrder"]["serviceOrder"]["id"]
            graphql(
                http,
                manager,
                """mutation($input: ApproveServiceOrderInput!) { approveServiceOrder(input: $input)
                  { userErrors { message } } }""",
                input={"serviceOrderId": order_id},
            )
            assert Endpoint.first_arrived.wait(DEADLINE_SECONDS)

            # when it is killed, and another worker runs
            doomed.send_signal(signal.SIGKILL)
            doomed.wait()
        with worker_process(env, tmp_path / "rescuer.log", "--worker-id", "rescuer"):
            deadline = time.monotonic() + DEADLINE_SECONDS
            while graphql(http, manager, HISTORY, id=order_id)["serviceOrder"]["state"] != (
                "COMPLETED"
            ):
                assert time.monotonic() < deadline, graphql(http, manager, TASKS, order=order_id)
                time.sleep(0.2)

        # then the task was tried twice, the second time by the other worker, which did it
        [edge] = graphql(http, manager, TASKS, order=order_id)["tasks"]["edges"]
        task = edge["node"]
        history = graphql(http, manager, HISTORY, id=order_id)["serviceOrder"]["history"]
    assert (task["state"], task["attempts"], task["lockedBy"]) == ("COMPLETED", 2, None)
    assert task["output"] == {"provisionedOnAttempt": 2}
    assert Endpoint.attempts == [1, 2]
    steps = [
        (node["kind"], node["payload"].get("lockedBy") or node["payload"].get("workerId"))
        for node in (edge["node"] for edge in history["edges"])
        if node["kind"].startswith("task.") and node["kind"] != "task.lock_extended"
    ]
    assert steps == [
        ("task.ready", None),
        ("task.locked", "doomed"),
        ("task.lock_expired", "doomed"),
        ("task.locked", "rescuer"),
        ("task.completed", "rescuer"),
    ]
    [expired] = [e["node"] for e in history["edges"] if e["node"]["kind"] == "task.lock_expired"]
    assert expired["payload"]["error"].startswith("Worker lost: doomed held the lock until ")
