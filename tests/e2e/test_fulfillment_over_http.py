"""End to end over a real uvicorn server and plain HTTP: an order from submission to COMPLETED,
with a fallout on the way, told in order by its history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.ui.server import RunningServer, running_server

pytestmark = pytest.mark.e2e

TASKS = """query($order: ID!) {
  tasks(filter: {serviceOrderId: $order, state: READY}) {
    edges { node { id number kind handler assignmentGroup { id } assignee { username } } } } }"""
FETCH = """mutation($input: FetchAndLockTasksInput!) { fetchAndLockTasks(input: $input) {
  tasks { task { id } } userErrors { code message field } } }"""
ORDER = """query($id: ID!) { serviceOrder(id: $id) {
  state progress { totalTasks completedTasks percent }
  lineItems { state soldProduct { state } } } }"""
HISTORY = """query($id: ID!, $after: String) { serviceOrder(id: $id) {
  history(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
    edges { node { kind entityType previousState newState actor { username } } } } } }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("e2e")) as running:
        yield running


class Client:
    """One person (or partner system) talking GraphQL over HTTP with their own token."""

    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    def mutate(self, name: str, **values: Any) -> dict[str, Any]:
        """Run mutation `name` with `values` as its input; it must succeed."""
        input_type = name[0].upper() + name[1:] + "Input"
        query = f"""mutation($input: {input_type}!) {{ {name}(input: $input) {{
            {PAYLOAD_FIELDS[name]} userErrors {{ code message field }} }} }}"""
        payload: dict[str, Any] = self(query, input=values)[name]
        assert payload["userErrors"] == [], payload
        return payload


ORDER_FIELDS = "serviceOrder { id state }"
TASK_FIELDS = "task { id state assignee { username } }"
FALLOUT_FIELDS = "fallout { id state assignee { username } }"
PAYLOAD_FIELDS = {
    "submitServiceOrder": ORDER_FIELDS,
    "approveServiceOrder": ORDER_FIELDS,
    "startTask": TASK_FIELDS,
    "completeTask": TASK_FIELDS,
    "createFallout": FALLOUT_FIELDS,
    "reassignFallout": FALLOUT_FIELDS,
    "resolveFallout": FALLOUT_FIELDS,
    "completeAutomatedTask": TASK_FIELDS,
}


def test_an_order_goes_from_partner_to_completed_with_a_fallout_on_the_way(
    server: RunningServer,
) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        people = {
            name: Client(http, server.command("token", name))
            for name in ("partner", "manager", "agent1", "agent2", "automation")
        }
        partner, manager = people["partner"], people["manager"]
        groups = {
            name: {g["id"] for g in people[name]("{ me { groups { id } } }")["me"]["groups"]}
            for name in ("agent1", "agent2")
        }

        # the partner submits, the manager approves: the order is decomposed into its plan
        submitted = partner.mutate(
            "submitServiceOrder",
            customer="E2E Telecom Customer",
            externalId="E2E-1",
            lineItems=[{"specificationCode": "MOBILE_LINE", "quantity": 1}],
        )
        order_id = submitted["serviceOrder"]["id"]
        assert submitted["serviceOrder"]["state"] == "NEW"
        approved = manager.mutate("approveServiceOrder", serviceOrderId=order_id)
        assert approved["serviceOrder"]["state"] == "IN_PROGRESS"

        fallout_done = False
        while ready := manager(TASKS, order=order_id)["tasks"]["edges"]:
            for edge in ready:
                task = edge["node"]
                if task["kind"] == "AUTOMATED":
                    # a worker (over the same API) does the automated ones
                    fetched = people["automation"](
                        FETCH,
                        input={
                            "workerId": "e2e-worker",
                            "handlers": [task["handler"]],
                            "maxTasks": 10,
                            "lockSeconds": 60,
                        },
                    )["fetchAndLockTasks"]
                    for locked in fetched["tasks"]:
                        people["automation"].mutate(
                            "completeAutomatedTask",
                            taskId=locked["task"]["id"],
                            workerId="e2e-worker",
                            output={"e2e": True},
                        )
                    continue
                name = (task["assignee"] or {}).get("username") or next(
                    n for n in ("agent1", "agent2") if task["assignmentGroup"]["id"] in groups[n]
                )
                agent = people[name]
                started = agent.mutate("startTask", taskId=task["id"])
                assert started["task"]["state"] == "IN_PROGRESS"
                if not fallout_done:
                    # the agent cannot finish it: fallout, followed up by the manager
                    fallout = agent.mutate(
                        "createFallout",
                        taskId=task["id"],
                        type="PROVISIONING_FAILURE",
                        description="The HLR does not answer.",
                    )["fallout"]
                    other = "agent2" if name == "agent1" else "agent1"
                    reassigned = manager.mutate(
                        "reassignFallout",
                        falloutId=fallout["id"],
                        assigneeId=people[other]("{ me { id } }")["me"]["id"],
                        note="Please look into it.",
                    )["fallout"]
                    assert reassigned["state"] == "IN_PROGRESS"
                    assert reassigned["assignee"] == {"username": other}
                    resolved = manager.mutate(
                        "resolveFallout",
                        falloutId=fallout["id"],
                        action="RETRY_TASK",
                        note="The HLR is back.",
                    )["fallout"]
                    assert resolved["state"] == "RESOLVED"
                    fallout_done = True
                    break  # the retried task is READY again, assigned to the other agent
                completed = agent.mutate("completeTask", taskId=task["id"])
                assert completed["task"]["state"] == "COMPLETED"

        order = manager(ORDER, id=order_id)["serviceOrder"]
        assert order["state"] == "COMPLETED"
        assert order["progress"]["percent"] == 100
        assert order["progress"]["completedTasks"] == order["progress"]["totalTasks"] > 0
        assert [item["soldProduct"]["state"] for item in order["lineItems"]] == ["ACTIVE"]

        events: list[dict[str, Any]] = []
        after = None
        while True:
            history = manager(HISTORY, id=order_id, after=after)["serviceOrder"]["history"]
            events += [edge["node"] for edge in history["edges"]]
            if not history["pageInfo"]["hasNextPage"]:
                break
            after = history["pageInfo"]["endCursor"]

    kinds = [event["kind"] for event in events]
    story = [
        "service_order.submitted",
        "service_order.approved",
        "service_order.decomposed",
        "task.started",
        "fallout.created",
        "task.on_hold",
        "fallout.reassigned",
        "task.reassigned",
        "fallout.resolved",
        "task.retried",
        "task.started",
        "task.completed",
        "service_order.state_changed",
    ]
    assert is_in_order(story, kinds), kinds
    assert events[0]["actor"] == {"username": "partner"}
    assert (events[-1]["kind"], events[-1]["newState"]) == (
        "service_order.state_changed",
        "COMPLETED",
    )
    retried = [e for e in events if e["kind"] == "task.retried"]
    assert len(retried) == 1 and retried[0]["actor"] == {"username": "manager"}


def is_in_order(expected: list[str], actual: list[str]) -> bool:
    """Whether `expected` occurs in `actual` in that order (other events may come between)."""
    remaining = iter(actual)
    return all(kind in remaining for kind in expected)
