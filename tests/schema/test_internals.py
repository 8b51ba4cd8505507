"""The library behaviour the schema relies on beyond what is plainly public: each Strawberry
internal wrapped in schema/internals.py, and the graphql-core hooks of one subscription event
that the fan-out overrides (resolvers/subscriptions/fanout.py).

Most of these would fail quietly after an upgrade that changed them: subscribers each
rendering their own events, nested fields read through a socket's stale loaders, an override
no longer called, a cache that no longer gives the same document. These tests make the failure
loud, on a schema of their own.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from graphql import Executor, GraphQLError, build_schema, parse, validate
from strawberry.extensions import ParserCache
from strawberry.types import ExecutionResult

from schema.internals import (
    LeanMaskErrors,
    PreExecutionError,
    StrawberryExecutor,
    UnsetType,
    alias_limit_rule,
    cached_parse,
    depth_limit_rule,
    graphql_schema,
)


@strawberry.type
class Tick:
    number: int

    @strawberry.field
    def context_name(self, info: strawberry.Info) -> str:
        return str(info.context["name"])


@strawberry.type
class Query:
    @strawberry.field
    @staticmethod
    def variables(info: strawberry.Info, value: str | None = None) -> str:
        return ",".join(f"{name}={value}" for name, value in sorted(info.variable_values.items()))

    @strawberry.field
    @staticmethod
    def failing() -> str | None:
        raise RuntimeError("a secret")

    @strawberry.field
    @staticmethod
    def refused() -> str | None:
        raise GraphQLError("refused on purpose")

    @strawberry.field
    @staticmethod
    def me() -> Tick:
        return Tick(number=0)


@strawberry.type
class Subscription:
    @strawberry.subscription
    @staticmethod
    async def ticks(to: int) -> AsyncGenerator[Tick, None]:
        for number in range(1, to + 1):
            yield Tick(number=number)


class RecordingExecutor(StrawberryExecutor):
    """Counts what graphql-core calls, the way the fan-out's executor overrides it."""

    built = 0
    per_event_payloads: list[object] = []
    executed: list[tuple[object, object]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        RecordingExecutor.built += 1
        self.made_once = object()

    def build_per_event_executor(self, payload: Any) -> Executor[Any]:
        RecordingExecutor.per_event_payloads.append(payload)
        executor = super().build_per_event_executor(payload)
        executor.context_value = {"name": "the event's"}
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        made_in_init = getattr(self, "made_once", None)
        RecordingExecutor.executed.append((self.root_value, made_in_init))
        return super().execute_operation(serially)


def reset_recording() -> None:
    RecordingExecutor.built = 0
    RecordingExecutor.per_event_payloads = []
    RecordingExecutor.executed = []


def test_the_adapter_names_the_executor_strawberry_uses_when_given_none() -> None:
    # given / when
    schema = strawberry.Schema(query=Query)

    # then: subclassing it keeps everything Strawberry's default execution does
    assert schema.execution_context_class is StrawberryExecutor
    assert issubclass(StrawberryExecutor, Executor)


async def test_a_subclass_gives_resolvers_strawberrys_info() -> None:
    # given
    schema = strawberry.Schema(query=Query, execution_context_class=RecordingExecutor)

    # when
    result = await schema.execute(
        "query ($a: String) { variables(value: $a) }", variable_values={"a": "x"}
    )

    # then: variables as a plain dict, as Strawberry's Info promises
    assert result.errors is None
    assert result.data == {"variables": "a=x"}


async def test_each_subscription_event_gets_a_copy_of_the_subscriptions_executor() -> None:
    # given
    reset_recording()
    schema = strawberry.Schema(
        query=Query, subscription=Subscription, execution_context_class=RecordingExecutor
    )

    # when
    stream = await schema.subscribe("subscription { ticks(to: 2) { number } }")
    assert not isinstance(stream, ExecutionResult)
    results = [result async for result in stream]

    # then: one executor built for the subscription, one per-event copy of it for each event
    # (keeping what its constructor worked out), whose operation runs with the event as root
    assert [result.data for result in results] == [
        {"ticks": {"number": 1}},
        {"ticks": {"number": 2}},
    ]
    assert RecordingExecutor.built == 1
    assert RecordingExecutor.per_event_payloads == [Tick(number=1), Tick(number=2)]
    assert [root for root, _ in RecordingExecutor.executed] == [Tick(number=1), Tick(number=2)]
    assert all(made is not None for _, made in RecordingExecutor.executed)


async def test_a_per_event_executor_runs_in_the_context_given_to_it() -> None:
    # given
    reset_recording()
    schema = strawberry.Schema(
        query=Query, subscription=Subscription, execution_context_class=RecordingExecutor
    )

    # when
    stream = await schema.subscribe(
        "subscription { ticks(to: 1) { contextName } }", context_value={"name": "the socket's"}
    )
    assert not isinstance(stream, ExecutionResult)
    [result] = [result async for result in stream]

    # then: the event's fields read the per-event executor's context, not the socket's
    assert result.data == {"ticks": {"contextName": "the event's"}}


class CountingMask(LeanMaskErrors):
    calls = 0

    def _process_result(self, result: object) -> None:
        CountingMask.calls += 1
        super()._process_result(result)


async def test_mask_errors_processes_each_result_through_the_overridden_step() -> None:
    # given
    CountingMask.calls = 0
    schema = strawberry.Schema(query=Query, extensions=[lambda: CountingMask()])

    # when
    result = await schema.execute("{ failing }")

    # then: the override ran, and masked the error
    assert CountingMask.calls == 1
    assert result.errors is not None
    assert [error.message for error in result.errors] == ["Unexpected error."]


async def test_mask_errors_keeps_the_errors_it_should_not_mask() -> None:
    # given
    def runtime_errors(error: GraphQLError) -> bool:
        return isinstance(error.original_error, RuntimeError)

    schema = strawberry.Schema(
        query=Query, extensions=[lambda: LeanMaskErrors(should_mask_error=runtime_errors)]
    )

    # when
    result = await schema.execute("{ failing refused }")

    # then
    assert result.errors is not None
    messages = sorted(error.message for error in result.errors)
    assert messages == ["Unexpected error.", "refused on purpose"]


def test_the_limit_rules_refuse_what_is_too_deep_or_has_too_many_aliases() -> None:
    # given
    built = build_schema(strawberry.Schema(query=Query).as_str())

    # when
    too_deep = validate(built, parse("{ me { number } }"), [depth_limit_rule(0)])
    deep_enough = validate(built, parse("{ me { number } }"), [depth_limit_rule(1)])
    aliased = validate(built, parse("{ a: variables b: variables }"), [alias_limit_rule(1)])

    # then
    assert len(too_deep) == 1 and deep_enough == []
    assert len(aliased) == 1


def test_the_parser_cache_gives_the_same_document_for_the_same_text() -> None:
    # given
    cache = ParserCache(maxsize=4)

    # when
    first = cached_parse(cache, "{ variables }")
    again = cached_parse(cache, "{ variables }")

    # then: one document, so one operation object for every subscriber who sends that text
    assert first is again


async def test_a_request_refused_before_execution_is_a_pre_execution_error() -> None:
    # given
    schema = strawberry.Schema(query=Query)

    # when
    result = await schema.execute("{ nosuchfield }")

    # then
    assert isinstance(result, PreExecutionError)
    assert isinstance(strawberry.UNSET, UnsetType)


async def test_an_extension_reaches_the_graphql_core_schema_of_its_operation() -> None:
    seen: list[object] = []

    class Probe(strawberry.extensions.SchemaExtension):
        def on_execute(self) -> Any:
            seen.append(graphql_schema(self.execution_context).query_type)
            yield

    schema = strawberry.Schema(query=Query, extensions=[Probe])
    result = await schema.execute("{ variables }")
    assert result.errors is None
    assert [getattr(query_type, "name", None) for query_type in seen] == ["Query"]
