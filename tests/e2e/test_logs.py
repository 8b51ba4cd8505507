"""Over a real server (`server.py serve`): its log is JSON lines, and every line of a request
carries the request's id, the one its response echoes in X-Request-ID."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from websockets.sync.client import connect

from tests.e2e.operations import SAFETY_TIMEOUT_SECONDS, Operated, until_logged

pytestmark = pytest.mark.e2e

ORDERS = "query Orders { serviceOrders { totalCount } }"


def post(operated: Operated, request_id: str) -> httpx.Response:
    token = operated.server.command("token", "viewer")
    return httpx.post(
        f"{operated.server.url}/graphql",
        json={"query": ORDERS},
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": request_id},
        timeout=30,
    )


def test_a_request_line_carries_the_request_id_its_response_echoes(operated: Operated) -> None:
    response = post(operated, "ops-test-0042")

    assert response.headers["X-Request-ID"] == "ops-test-0042"
    line = until_logged(operated.log, lambda line: line.get("request_id") == "ops-test-0042")
    assert line["event"] == "request"
    assert line["logger"] == "fulfillment.access"
    assert line["level"] == "info"
    assert line["operation"] == "Orders"
    assert line["status"] == 200
    assert {"timestamp", "duration_ms", "method", "path"} <= line.keys()


def test_a_request_id_that_is_not_plain_is_replaced_by_a_new_one(operated: Operated) -> None:
    response = post(operated, "<script>" + "x" * 200)

    echoed = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", echoed)
    until_logged(operated.log, lambda line: line.get("request_id") == echoed)


def test_a_websocket_s_lines_carry_its_connection_id(operated: Operated) -> None:
    token = operated.server.command("token", "viewer")
    url = operated.server.url.replace("http://", "ws://") + "/graphql"
    with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        ws.send(json.dumps(init))
        assert json.loads(ws.recv(timeout=SAFETY_TIMEOUT_SECONDS))["type"] == "connection_ack"

    closed = until_logged(operated.log, lambda line: line["event"] == "websocket closed")
    connection = closed["connection_id"]
    opened = until_logged(
        operated.log,
        lambda line: (
            line["event"] == "websocket opened" and line.get("connection_id") == connection
        ),
    )
    assert opened["logger"] == "fulfillment.websocket"
