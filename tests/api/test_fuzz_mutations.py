"""Every mutation's input, drawn at random (text with NUL, controls, lone surrogates and huge
lengths; JSON nested at any depth; numbers of any size; ids in any spelling), sent over HTTP:
every answer is a 2xx or 4xx JSON body with data or coded errors, never a 5xx or an
INTERNAL_SERVER_ERROR, and a refusal changes no row.

The body is encoded here, not by httpx, so that lone surrogates (as JSON escapes) and NaN reach
the server as a careless client would send them.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any, cast

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import LineItem, SoldProduct, Task
from models.enums import TaskKind, TaskState
from schema.build import build_schema
from services.orders import reject_service_order
from services.settings import Settings
from tests.api.graphql import Api, gid
from tests.api.mutations.helpers import Users, new_order, open_fallout, started_task
from tests.services.automation.plans import lock_to
from tests.services.task_plans import snapshot

ERROR_CODES = {
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "BAD_USER_INPUT",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "QUERY_TOO_COMPLEX",
    "PAYLOAD_TOO_LARGE",
    "VALIDATION",
    "NOT_FOUND",
}
USER_ERROR_CODES = {"VALIDATION", "NOT_FOUND", "FORBIDDEN", "INVALID_STATE", "CONFLICT"}
USERNAMES = ["manager", "agent1", "agent2", "viewer", "partner", "admin", "automation"]

# --- values -----------------------------------------------------------------------------------

# Any code point, lone surrogates included, with the awkward ones often.
characters = st.characters(codec=None, categories=None)
awkward = st.sampled_from(["\x00", "\ud800", "\udfff", "\u200b", "\u202e", "\n", "\t", "\x7f"])
texts = st.one_of(
    st.text(characters, max_size=40),
    st.text(st.one_of(awkward, characters), max_size=20),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "\x00", " "]), st.integers(0, 9000)),
    st.sampled_from(["", " ", "ok", "Address unknown"]),
)
numbers = st.one_of(
    st.integers(-(2**31), 2**31 - 1),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4)
)


def nested(depth: int) -> Any:
    value: Any = {"leaf": 1}
    for _ in range(depth):
        value = {"a": value}
    return value


characteristics = st.one_of(st.none(), json_values, st.integers(0, 300).map(nested))
# Anything at all where a field wants one type: GraphQL's coercion must refuse it.
anything = st.one_of(json_values, st.just(None))


def ids(*real: str) -> st.SearchStrategy[Any]:
    """A real id (often), another spelling of one, one beyond the column, or garbage."""
    type_names = st.sampled_from(
        ["ServiceOrder", "LineItem", "Task", "FalloutRecord", "User", "Nope"]
    )
    spelled = st.builds(
        lambda name, key: base64.b64encode(f"{name}:{key}".encode()).decode(),
        type_names,
        st.one_of(
            st.integers(),
            st.sampled_from(["0001", "\u0661", "\u00b9", "1 ", "+1", "", "2147483648"]),
        ),
    )
    return st.one_of(
        st.sampled_from(real),
        st.sampled_from(real),
        st.builds(gid, type_names, st.integers()),
        spelled,
        st.sampled_from(real).map(lambda value: value.rstrip("=")),
        texts,
        anything,
    )


versions = st.one_of(st.none(), st.integers(-3, 5), numbers, anything)
priorities = st.one_of(st.sampled_from(["LOW", "NORMAL", "HIGH", "CRITICAL"]), anything)
dates = st.one_of(
    st.none(),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2026-13-01"]),
    texts,
)


def optional(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(None), values)


# --- mutations ----------------------------------------------------------------------------------

Targets = dict[str, list[str]]
Inputs = Callable[[Targets], st.SearchStrategy[dict[str, Any]]]


def line_items(targets: Targets) -> st.SearchStrategy[Any]:
    codes = st.one_of(st.sampled_from(["FIBRE_BROADBAND", "MOBILE_LINE"]), texts)
    item = st.fixed_dictionaries(
        {"specificationCode": codes},
        optional={
            "action": st.one_of(st.sampled_from(["ADD", "MODIFY", "DELETE"]), anything),
            "quantity": st.one_of(st.integers(-2, 60), numbers),
            "characteristics": characteristics,
            "soldProductId": optional(ids(*targets["sold_product"])),
        },
    )
    return st.one_of(st.lists(item, max_size=3), anything)


def revised_line_items(targets: Targets) -> st.SearchStrategy[Any]:
    codes = st.one_of(st.sampled_from(["FIBRE_BROADBAND", "MOBILE_LINE"]), texts)
    item = st.fixed_dictionaries(
        {"specificationCode": codes},
        optional={
            "id": optional(ids(*targets["line_item"])),
            "action": st.one_of(st.sampled_from(["ADD", "MODIFY", "DELETE"]), anything),
            "quantity": st.one_of(st.integers(-2, 60), numbers),
            "characteristics": characteristics,
            "soldProductId": optional(ids(*targets["line_item"])),
        },
    )
    return st.one_of(st.lists(item, max_size=3), anything)


def revise(targets: Targets) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "serviceOrderId": ids(*targets["order"]),
            "reason": texts,
            "lineItems": revised_line_items(targets),
        },
        optional={"expectedVersion": versions},
    )


def submit(targets: Targets) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"customer": texts, "lineItems": line_items(targets)},
        optional={
            "externalId": optional(texts),
            "priority": priorities,
            "requestedCompletionDate": dates,
        },
    )


def on_order(text_field: str | None) -> Inputs:
    def inputs(targets: Targets) -> st.SearchStrategy[dict[str, Any]]:
        fields: dict[str, Any] = {"serviceOrderId": ids(*targets["order"])}
        if text_field == "reason":
            fields["reason"] = texts
        extra = {
            "expectedVersion": versions,
            **({"note": optional(texts)} if text_field == "note" else {}),
        }
        return st.fixed_dictionaries(fields, optional=extra)

    return inputs


def cancel(targets: Targets) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"serviceOrderId": ids(*targets["order"]), "reason": texts},
        optional={
            "lineItemIds": st.one_of(st.none(), st.lists(ids(*targets["line_item"]), max_size=3)),
            "expectedVersion": versions,
        },
    )


def on_task(targets: Targets, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries({"taskId": ids(*targets["task"]), **fields})


def on_fallout(targets: Targets, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries({"falloutId": ids(*targets["fallout"]), **fields})


# The worker that holds the lock of the leased target task, often; any text or value else.
FUZZ_WORKER = "fuzz-worker"
workers = st.one_of(st.just(FUZZ_WORKER), st.just(FUZZ_WORKER), texts, anything)
handler_lists = st.one_of(
    st.lists(
        st.one_of(st.sampled_from(["demo.allocate_resource", "demo.activate_service"]), texts),
        max_size=4,
    ),
    anything,
)
counts = st.one_of(st.integers(-2, 200), numbers, anything)


def on_leased(targets: Targets, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {"taskId": ids(*targets["leased"], *targets["task"]), "workerId": workers, **fields}
    )


MUTATIONS: dict[str, tuple[str, str, Inputs]] = {
    # name: (input type, payload selection, inputs)
    "submitServiceOrder": (
        "SubmitServiceOrderInput",
        "serviceOrder { id customer externalId requestedCompletionDate"
        " lineItems { characteristics } }",
        submit,
    ),
    "approveServiceOrder": (
        "ApproveServiceOrderInput",
        "serviceOrder { id state }",
        on_order("note"),
    ),
    "rejectServiceOrder": (
        "RejectServiceOrderInput",
        "serviceOrder { id decision { reason } }",
        on_order("reason"),
    ),
    "reopenServiceOrder": (
        "ReopenServiceOrderInput",
        "serviceOrder { id state }",
        on_order("note"),
    ),
    "holdServiceOrder": (
        "HoldServiceOrderInput",
        "serviceOrder { id state heldFrom }",
        on_order("reason"),
    ),
    "resumeServiceOrder": (
        "ResumeServiceOrderInput",
        "serviceOrder { id state }",
        on_order("note"),
    ),
    "reviseServiceOrder": (
        "ReviseServiceOrderInput",
        "serviceOrder { id revision lineItems { quantity characteristics } }",
        revise,
    ),
    "cancelServiceOrder": (
        "CancelServiceOrderInput",
        "serviceOrder { id state lineItems { state cancellationReason } }",
        cancel,
    ),
    "startTask": (
        "StartTaskInput",
        "task { id state }",
        lambda t: on_task(t, expectedVersion=versions),
    ),
    "completeTask": (
        "CompleteTaskInput",
        "task { id state }",
        lambda t: on_task(t, note=optional(texts), expectedVersion=versions),
    ),
    "reassignTask": (
        "ReassignTaskInput",
        "task { id assignee { id } }",
        lambda t: on_task(t, assigneeId=ids(*t["user"]), reason=texts, expectedVersion=versions),
    ),
    "createFallout": (
        "CreateFalloutInput",
        "fallout { id description }",
        lambda t: on_task(
            t,
            type=st.one_of(st.sampled_from(["PROVISIONING_FAILURE", "DATA_ERROR"]), anything),
            description=texts,
            priority=priorities,
        ),
    ),
    "reassignFallout": (
        "ReassignFalloutInput",
        "fallout { id assignee { id } }",
        lambda t: on_fallout(
            t, assigneeId=ids(*t["user"]), note=optional(texts), expectedVersion=versions
        ),
    ),
    "resolveFallout": (
        "ResolveFalloutInput",
        "fallout { id resolution { note } }",
        lambda t: on_fallout(
            t,
            action=st.one_of(
                st.sampled_from(["RETRY_TASK", "COMPLETE_TASK", "SKIP_TASK"]), anything
            ),
            note=texts,
            expectedVersion=versions,
            input=characteristics,
        ),
    ),
    "fetchAndLockTasks": (
        "FetchAndLockTasksInput",
        "tasks { task { id state lockedBy } context }",
        lambda t: st.fixed_dictionaries(
            {"workerId": workers, "handlers": handler_lists, "lockSeconds": counts},
            optional={"maxTasks": counts},
        ),
    ),
    "completeAutomatedTask": (
        "CompleteAutomatedTaskInput",
        "task { id state output }",
        lambda t: on_leased(t, output=characteristics),
    ),
    "failAutomatedTask": (
        "FailAutomatedTaskInput",
        "task { id state lastError }",
        lambda t: on_leased(
            t,
            error=texts,
            retryable=st.one_of(st.booleans(), anything),
            errorType=st.one_of(st.sampled_from(["BILLING_ISSUE", "NOPE"]), anything),
        ),
    ),
    "extendTaskLock": (
        "ExtendTaskLockInput",
        "task { id lockExpiresAt }",
        lambda t: on_leased(t, lockSeconds=counts),
    ),
}


@pytest_asyncio.fixture
async def targets(users: Users) -> Targets:
    """Real objects for the ids to name: orders NEW and REJECTED, a started task (its order in
    progress), an open fallout (on another started task), their line items, and the users."""
    new = await new_order(users)
    rejected = await reject_service_order(users["manager"], (await new_order(users)).id, "No")
    task, _agent = await started_task(users)
    fallout = await open_fallout(users)
    automated = await Task.filter(state=TaskState.READY, kind=TaskKind.AUTOMATED).order_by("id")
    leased = await lock_to(automated[0].id, FUZZ_WORKER)
    orders = [new.id, rejected.id, task.service_order_id]
    items = await LineItem.filter(service_order_id__in=orders).values_list("id", flat=True)
    return {
        "leased": [gid("Task", leased.id)],
        "order": [gid("ServiceOrder", id) for id in orders],
        "line_item": [gid("LineItem", cast(int, id)) for id in items],
        "sold_product": [
            gid("SoldProduct", cast(int, id))
            for id in await SoldProduct.filter(line_item_id__in=list(items)).values_list(
                "id", flat=True
            )
        ],
        "task": [gid("Task", task.id), gid("Task", fallout.task_id)],
        "fallout": [gid("FalloutRecord", fallout.id)],
        "user": [gid("User", user.id) for user in users.values()],
    }


class Sender:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.tokens: dict[str, str] = {}

    async def send(self, username: str | None, query: str, variables: Any) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if username is not None:
            if username not in self.tokens:
                self.tokens[username] = await self.api.token(username)
            headers["Authorization"] = f"Bearer {self.tokens[username]}"
        # The json module writes lone surrogates as escapes and NaN as a bare word.
        body = json.dumps({"query": query, "variables": variables}).encode()
        response = await self.api.client.post("/graphql", content=body, headers=headers)
        return response.status_code, response.json()


def check_answer(status: int, body: Any, mutation: str) -> bool:
    """Whether the answer is a success; assert that it is a well-formed one either way."""
    assert status < 500, body
    errors = body.get("errors")
    if errors:
        codes = {error["extensions"]["code"] for error in errors}
        assert codes <= ERROR_CODES, body
        return False
    payload = body["data"][mutation]
    codes = {error["code"] for error in payload["userErrors"]}
    assert codes <= USER_ERROR_CODES, body
    return not codes


FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@FUZZ
@given(data=st.data())
async def test_a_mutation_answers_any_input_with_data_or_a_coded_error(
    api: Api, targets: Targets, mutation: str, data: st.DataObject
) -> None:
    # given real objects to name (made once per mutation: the examples share them)
    input_type, selection, inputs = MUTATIONS[mutation]
    document = f"""mutation($input: {input_type}!) {{
        {mutation}(input: $input) {{ {selection} userErrors {{ code message field }} }} }}"""
    username = data.draw(st.sampled_from(USERNAMES), label="username")
    variables = {
        "input": data.draw(st.one_of(inputs(targets), inputs(targets), anything), label="input")
    }
    before = await snapshot()

    # when it is sent
    status, body = await Sender(api).send(username, document, variables)

    # then it is answered, and only a success changed anything
    if not check_answer(status, body, mutation):
        assert await snapshot() == before, body


@FUZZ
@given(username=st.one_of(texts, anything))
async def test_the_demo_sign_in_answers_any_username_with_data_or_a_coded_error(
    api: Api, users: Users, username: Any
) -> None:
    document = """mutation($username: String!) { signInAsDemoUser(username: $username)
        { token userErrors { code message field } } }"""
    before = await snapshot()
    status, body = await Sender(api).send(None, document, {"username": username})
    check_answer(status, body, "signInAsDemoUser")
    assert await snapshot() == before


def test_the_fuzz_covers_every_mutation() -> None:
    mutation_type = build_schema(Settings(_env_file=None))._schema.mutation_type
    assert mutation_type is not None
    assert set(mutation_type.fields) == set(MUTATIONS) | {"signInAsDemoUser"}
