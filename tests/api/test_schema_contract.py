"""What /graphql serves is the committed contract: its own introspection describes exactly
schema.graphql, which is all partners get in production (introspection off)."""

from __future__ import annotations

from typing import cast

from graphql import IntrospectionQuery, build_client_schema, build_schema, get_introspection_query
from graphql.utilities import find_schema_changes

from schema import contract
from tests.api.graphql import Api

INTROSPECTION = get_introspection_query(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    input_value_deprecation=True,
)


async def test_the_introspected_schema_is_the_committed_sdl(api: Api) -> None:
    answer = await api.data(None, INTROSPECTION)

    served = build_client_schema(cast(IntrospectionQuery, answer))

    committed = build_schema((contract.ROOT / contract.SDL_FILE).read_text())
    assert [change.description for change in find_schema_changes(committed, served)] == []
