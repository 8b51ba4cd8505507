"""Baseline (b), the floor: a hand-written Starlette endpoint that answers the plan query with
the statements the GraphQL path sends (bench/baseline_sql.py; the table shows both counts) and
the same JSON, built from the rows by hand and encoded with orjson. No ORM models, no GraphQL.

It answers only the plan query's shape (bench/plan_query.py), for a bearer token like the
GraphQL endpoint's, and checks that the reader may see the order like services/policy.py does.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, TypeVar, cast

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.baseline_sql import Statements, dialect, fetch
from bench.plan_query import HISTORY_PAGE_SIZE
from models import FalloutRecord, LineItem, ServiceOrder, SoldProduct, Task, User
from models.enums import (
    FalloutState,
    FulfillmentState,
    Role,
    ServiceOrderState,
    TaskKind,
    TaskState,
)
from services import json_values, permissions
from services.auth import AuthenticationError
from services.auth.tokens import decode_token
from services.progress import percent_done
from services.settings import Settings
from services.sold_products import product_number

Row = Mapping[str, Any]
M = TypeVar("M")
Json = dict[str, Any]

# The GraphQL type of each entity an event names (HistoryEvent.entityId is its global id).
_ENTITY_TYPES = {
    "service_order": "ServiceOrder",
    "line_item": "LineItem",
    "sold_product": "SoldProduct",
    "domain_order": "DomainOrder",
    "task": "Task",
    "fallout": "FalloutRecord",
}


def baseline_route(settings: Settings, path: str = "/baseline/plan") -> Route:
    async def plan(request: Request) -> Response:
        body = orjson.loads(await request.body())
        statements = Statements(dialect())
        reader = await _reader(statements, request.headers.get("authorization", ""), settings)
        if reader is None:
            return _json({"errors": [{"message": "Authentication required."}]}, status=401)
        variables = body.get("variables") or {}
        order_id = _pk(variables["id"])
        after = variables.get("historyAfter")
        shown = await _plan(statements, reader, order_id, _pk(after) if after else None)
        return _json({"data": {"serviceOrder": shown}})

    return Route(path, plan, methods=["POST"])


def _json(content: Json, status: int = 200) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type="application/json")


def _gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def _pk(global_id: str) -> int:
    return int(base64.urlsafe_b64decode(global_id).decode().rsplit(":", 1)[1])


def _cursor(event_id: int) -> str:
    return base64.urlsafe_b64encode(f"event:{event_id}".encode()).decode()


def _json_value(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _time(value: Any) -> str | None:
    """As Strawberry writes a datetime; SQLite keeps them as text with a space for the `T`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return text[:10] + "T" + text[11:]


def _progress(row: Row) -> Json:
    total, done = row["tasks_total"], row["tasks_done"]
    return {"totalTasks": total, "completedTasks": done, "percent": percent_done(done, total)}


def _user(row: Row, prefix: str = "") -> Json | None:
    if row[f"{prefix}id"] is None:
        return None
    return {
        "id": _gid("User", row[f"{prefix}id"]),
        "username": row[f"{prefix}username"],
        "displayName": row[f"{prefix}display_name"],
    }


def _entity_id(row: Row) -> str:
    type_name = _ENTITY_TYPES.get(row["entity_type"])
    return _gid(type_name, row["entity_id"]) if type_name else str(row["entity_id"])


def _shown(value: Any) -> Any:
    """A stored JSON value as the API shows it (services/json_values.py)."""
    return json_values.shown(_json_value(value))


def _specification(row: Row) -> Json:
    return {
        "id": _gid("ServiceSpecification", row["specification.id"]),
        "code": row["specification.code"],
        "name": row["specification.name"],
        "kind": row["specification.kind"],
        "domain": row["specification.domain"],
    }


async def _reader(statements: Statements, authorization: str, settings: Settings) -> Row | None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    try:
        claims = decode_token(token.strip(), settings)
    except AuthenticationError:
        return None
    rows = await fetch(statements.user_by_username(), [claims["sub"], 1])
    return rows[0] if rows and rows[0]["is_active"] else None


def _may_read(reader: Row, order: Row) -> bool:
    roles = set(_json_value(reader["roles"]))
    return not roles <= {Role.INTEGRATOR.value} or order["submitted_by_id"] == reader["id"]


def _viewer(reader: Row) -> User:
    """The reader as the permission rules (services/permissions.py) read a user: they ask its
    id, roles and whether it is active, which a plain object answers without a model."""
    viewer = SimpleNamespace(
        id=reader["id"], roles=list(_json_value(reader["roles"])), is_active=reader["is_active"]
    )
    return cast(User, viewer)


def _as(model: type[M], **values: Any) -> M:
    """A row as the rules read a `model` (its state as the enum they compare with)."""
    return cast(M, SimpleNamespace(**values))


async def _plan(
    statements: Statements, reader: Row, order_id: int, history_after: int | None
) -> Json | None:
    orders = await fetch(statements.order(), [order_id])
    if not orders or not _may_read(reader, orders[0]):
        return None
    order = orders[0]
    viewer = _viewer(reader)
    order_model = _order_model(order)
    viewer_group_ids: list[int] = []
    if permissions.task_permissions_read_groups(viewer):
        rows = await fetch(statements.group_ids_of_user(), [viewer.id])
        viewer_group_ids = [row["assignmentgroup_id"] for row in rows]
    items = await fetch(statements.line_items(), [order_id])
    products = await _sold_products(statements, items)
    domain_orders = await fetch(statements.domain_orders(), [order_id])
    tasks = await fetch(statements.tasks(), [order_id])
    links = await fetch(statements.task_links(), [order_id])
    fallouts = await fetch(statements.fallouts(), [order_id])
    page = (
        [order_id, history_after, HISTORY_PAGE_SIZE + 1]
        if history_after
        else [order_id, HISTORY_PAGE_SIZE + 1]
    )
    events = await fetch(statements.events(history_after is not None), page)
    group_ids = sorted({t["assignment_group_id"] for t in tasks})
    groups = {
        row["id"]: {"id": _gid("AssignmentGroup", row["id"]), "name": row["name"]}
        for row in await fetch(statements.groups_by_id(len(group_ids)), group_ids)
    }
    users = _known_users(fallouts)
    wanted = {e["actor_id"] for e in events} | {t["assignee_id"] for t in tasks}
    missing = sorted(wanted - users.keys() - {None})
    if missing:
        for row in await fetch(statements.users_by_id(len(missing)), missing):
            users[row["id"]] = _user(row)
    tasks_by_id = {task["id"]: task for task in tasks}
    shown_fallouts = [_fallout(f, tasks_by_id, viewer) for f in fallouts]
    fallouts_by_task = _group(fallouts, lambda f: f["task_id"])
    depends_on = _group(links, lambda link: link["task_id"])
    tasks_by_domain_order = _group(tasks, lambda t: t["domain_order_id"])
    domain_orders_by_item = _group(domain_orders, lambda d: d["line_item_id"])

    def task(row: Row) -> Json:
        prerequisites = [tasks_by_id[link["depends_on_id"]] for link in depends_on[row["id"]]]
        compensates_id = row["compensates_id"]
        undone = tasks_by_id.get(compensates_id) if compensates_id is not None else None
        return {
            "id": _gid("Task", row["id"]),
            "number": row["number"],
            "name": row["name"],
            "state": row["state"],
            "priority": row["priority"],
            "dueAt": _time(row["due_at"]),
            "version": row["version"],
            "plannedStartAt": _time(row["planned_start_at"]),
            "plannedEndAt": _time(row["planned_end_at"]),
            "startedAt": _time(row["started_at"]),
            "completedAt": _time(row["completed_at"]),
            "slackMinutes": row["slack_minutes"],
            "onCriticalPath": bool(row["on_critical_path"]),
            "jeopardy": row["jeopardy"],
            "jeopardyReason": row["jeopardy_reason"] or None,
            "assignmentGroup": groups[row["assignment_group_id"]],
            "assignee": users[row["assignee_id"]] if row["assignee_id"] is not None else None,
            "dependsOn": [_task_summary(p) for p in prerequisites],
            "fallouts": [
                {
                    "id": _gid("FalloutRecord", f["id"]),
                    "number": f["number"],
                    "state": f["state"],
                    "type": f["type"],
                }
                for f in fallouts_by_task[row["id"]]
            ],
            "viewerCan": _task_can(viewer, row, order_model, viewer_group_ids),
            "isPointOfNoReturn": bool(row["is_point_of_no_return"]),
            "kind": row["kind"],
            "handler": row["handler"],
            "attempts": row["attempts"],
            "maxAttempts": row["max_attempts"],
            "nextAttemptAt": _time(row["next_attempt_at"]),
            "lockedBy": row["locked_by"],
            "lastError": row["last_error"],
            "output": _shown(row["output"]),
            "compensates": _task_summary(undone) if undone is not None else None,
        }

    def domain_order(row: Row) -> Json:
        parent = row["parent_id"]
        return {
            "id": _gid("DomainOrder", row["id"]),
            "number": row["number"],
            "kind": row["kind"],
            "state": row["state"],
            "progress": _progress(row),
            "specification": _specification(row),
            "parent": {"id": _gid("DomainOrder", parent)} if parent is not None else None,
            "tasks": [task(t) for t in tasks_by_domain_order[row["id"]]],
        }

    def line_item(row: Row) -> Json:
        product = products.get(row["id"])
        return {
            "id": _gid("LineItem", row["id"]),
            "action": row["action"],
            "quantity": row["quantity"],
            "state": row["state"],
            "characteristics": _shown(row["characteristics"]),
            "progress": _progress(row),
            "specification": _specification(row),
            "pointOfNoReturnReachedAt": _time(row["point_of_no_return_reached_at"]),
            "cancelledAt": _time(row["cancelled_at"]),
            "cancellationReason": row["cancellation_reason"],
            "failedAt": _time(row["failed_at"]),
            "failureReason": row["failure_reason"],
            "viewerCan": _line_item_can(viewer, row, order_model),
            "soldProduct": _sold_product(product) if product is not None else None,
            "domainOrders": [domain_order(d) for d in domain_orders_by_item[row["id"]]],
        }

    shown_events = events[:HISTORY_PAGE_SIZE]
    edges = [
        {
            "node": {
                "cursor": _cursor(e["id"]),
                "kind": e["kind"],
                "occurredAt": _time(e["occurred_at"]),
                "actor": users.get(e["actor_id"]) if e["actor_id"] is not None else None,
                "previousState": e["previous_state"],
                "newState": e["new_state"],
                "entityId": _entity_id(e),
                "payload": _json_value(e["payload"]),
            }
        }
        for e in shown_events
    ]
    return {
        "id": _gid("ServiceOrder", order["id"]),
        "number": order["number"],
        "externalId": order["external_id"],
        "customer": order["customer"],
        "priority": order["priority"],
        "state": order["state"],
        "requestedCompletionDate": _time(order["requested_completion_date"]),
        "expectedCompletionAt": _time(order["expected_completion_at"]),
        "scheduledAt": _time(order["scheduled_at"]),
        "jeopardy": order["jeopardy"],
        "jeopardyReason": order["jeopardy_reason"] or None,
        "progress": _progress(order),
        "viewerCan": _order_can(viewer, order_model),
        "revision": order["revision"],
        "heldFrom": order["held_from"],
        "heldAt": _time(order["held_at"]),
        "version": order["version"],
        "lineItems": [line_item(item) for item in items],
        "fallouts": shown_fallouts,
        "history": {
            "pageInfo": {
                "hasNextPage": len(events) > HISTORY_PAGE_SIZE,
                "endCursor": edges[-1]["node"]["cursor"] if edges else None,
            },
            "edges": edges,
        },
    }


def _task_summary(row: Row) -> Json:
    return {
        "id": _gid("Task", row["id"]),
        "number": row["number"],
        "name": row["name"],
        "state": row["state"],
    }


async def _sold_products(statements: Statements, items: Sequence[Row]) -> dict[int, Row]:
    """Each item's product by the item's id, like LineItem.soldProduct: the one an item
    changes (MODIFY, DELETE) read by its id, the one an item creates (ADD) by the item's."""
    creating = [item["id"] for item in items if item["changed_product_id"] is None]
    changed = sorted({item["changed_product_id"] for item in items} - {None})
    products: dict[int, Row] = {}
    if creating:
        for row in await fetch(statements.sold_products(len(creating)), creating):
            products[row["line_item_id"]] = row
    if changed:
        rows = await fetch(statements.sold_products_by_id(len(changed)), changed)
        by_id = {row["id"]: row for row in rows}
        for item in items:
            if item["changed_product_id"] in by_id:
                products[item["id"]] = by_id[item["changed_product_id"]]
    return products


def _sold_product(row: Row) -> Json:
    product = _as(SoldProduct, id=row["id"])
    return {
        "id": _gid("SoldProduct", row["id"]),
        "number": product_number(product),
        "state": row["state"],
        "characteristics": _shown(row["characteristics"]),
    }


def _order_model(row: Row) -> ServiceOrder:
    return _as(
        ServiceOrder,
        state=ServiceOrderState(row["state"]),
        submitted_by_id=row["submitted_by_id"],
        point_of_no_return_reached_at=row["point_of_no_return_reached_at"],
    )


def _order_can(viewer: User, order: ServiceOrder) -> Json:
    can = permissions.order_permissions(viewer, order)
    return {
        "approve": can.approve,
        "reject": can.reject,
        "reopen": can.reopen,
        "cancel": can.cancel,
        "hold": can.hold,
        "resume": can.resume,
        "revise": can.revise,
    }


def _line_item_can(viewer: User, row: Row, order: ServiceOrder) -> Json:
    item = _as(
        LineItem,
        state=FulfillmentState(row["state"]),
        point_of_no_return_reached_at=row["point_of_no_return_reached_at"],
        cancelled_at=row["cancelled_at"],
        failed_at=row["failed_at"],
    )
    can = permissions.line_item_permissions(viewer, item, order)
    return {"cancel": can.cancel, "revise": can.revise}


def _task_model(row: Row) -> Task:
    return _as(
        Task,
        state=TaskState(row["state"]),
        kind=TaskKind(row["kind"]),
        handler=row["handler"],
        assignee_id=row["assignee_id"],
        assignment_group_id=row["assignment_group_id"],
        compensates_id=row["compensates_id"],
    )


def _task_can(viewer: User, row: Row, order: ServiceOrder, group_ids: Sequence[int]) -> Json:
    can = permissions.task_permissions(viewer, _task_model(row), order, group_ids)
    return {
        "start": can.start,
        "complete": can.complete,
        "reassign": can.reassign,
        "createFallout": can.create_fallout,
    }


def _fallout(row: Row, tasks_by_id: Mapping[int, Row], viewer: User) -> Json:
    fallout = _as(FalloutRecord, state=FalloutState(row["state"]))
    can = permissions.fallout_permissions(viewer, fallout, _task_model(tasks_by_id[row["task_id"]]))
    action = row["resolution_action"]
    return {
        "id": _gid("FalloutRecord", row["id"]),
        "number": row["number"],
        "type": row["type"],
        "description": row["description"],
        "state": row["state"],
        "priority": row["priority"],
        "task": _task_summary(tasks_by_id[row["task_id"]]),
        "assignee": _user(row, "assignee."),
        "createdBy": _user(row, "creator."),
        "resolution": {"action": action, "note": row["resolution_note"]} if action else None,
        "viewerCan": {
            "reassign": can.reassign,
            "resolve": can.resolve,
            "failLineItem": can.fail_line_item,
        },
    }


def _known_users(fallouts: Sequence[Row]) -> dict[int, Json | None]:
    """The users the fallout rows brought joined."""
    users: dict[int, Json | None] = {}
    for row in fallouts:
        for prefix in ("assignee.", "creator.", "resolver."):
            if row[f"{prefix}id"] is not None:
                users[row[f"{prefix}id"]] = _user(row, prefix)
    return users


def _group(rows: Sequence[Row], key: Callable[[Row], int]) -> defaultdict[int, list[Row]]:
    grouped: defaultdict[int, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped
