"""No operation runs without an authenticated user, except the few that must (sign-in).

Before parsing (AnonymousBound): credentials that were sent and did not hold up (expired,
wrongly signed, …) refuse every operation, so a client learns its token is bad instead of
silently seeing less; and an anonymous document longer than ANONYMOUS_MAX_QUERY_LENGTH is
refused unparsed: what an anonymous client may run (the demo sign-in) is a few hundred
characters, and parsing is work done for whoever asks.

Once the document is parsed, before it is validated (RequireAuthentication): an anonymous
operation may ask only for the sign-in fields. An anonymous client learns nothing about the
schema from validation errors, and gets one error and no data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionNode,
)
from graphql.utilities import get_operation_ast
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from resolvers.context import Context
from resolvers.errors import unauthenticated

_INTROSPECTION_FIELDS = frozenset({"__typename", "__schema", "__type"})
# Demo sign-in: what a visitor needs before they have a token (demo mode only; the resolvers
# refuse them otherwise).
_DEMO_FIELDS = frozenset({"demoUsers", "signInAsDemoUser"})


REQUIRED = "Authentication required: send `Authorization: Bearer <token>`."


def refuse(context: Context) -> None:
    """HTTP answers the refusal with 401 and a challenge."""
    if isinstance(context.response, Response):
        context.response.status_code = 401
        context.response.headers["WWW-Authenticate"] = "Bearer"


class AnonymousBound(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context) and context.user is None:
            query = self.execution_context.query or ""
            if context.auth_error is not None:
                refuse(context)
                raise unauthenticated(context.auth_error)
            if len(query) > context.settings.anonymous_max_query_length:
                refuse(context)
                raise unauthenticated(REQUIRED)
        yield


class RequireAuthentication(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context) and context.user is None:
            error = self._refusal(context)
            if error is not None:
                self.execution_context.pre_execution_errors = [error]
                refuse(context)
        yield

    def _refusal(self, context: Context) -> GraphQLError | None:
        if context.auth_error is not None:
            return unauthenticated(context.auth_error)
        allowed = _INTROSPECTION_FIELDS | (_DEMO_FIELDS if context.settings.demo_mode else set())
        if self._root_fields() <= allowed:
            return None
        return unauthenticated(REQUIRED)

    def _root_fields(self) -> set[str]:
        """The names of the fields the operation asks for at its root ('?' if unknown)."""
        document = self.execution_context.graphql_document
        if document is None:
            return {"?"}
        operation = get_operation_ast(document, self.execution_context.operation_name)
        if operation is None:
            return {"?"}
        fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        return _field_names(operation.selection_set.selections, fragments, set())


def _field_names(
    selections: Sequence[SelectionNode],
    fragments: dict[str, FragmentDefinitionNode],
    seen: set[str],
) -> set[str]:
    names: set[str] = set()
    for selection in selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names |= _field_names(selection.selection_set.selections, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or selection.name.value in seen:
                names.add("?")
                continue
            seen.add(selection.name.value)
            names |= _field_names(fragment.selection_set.selections, fragments, seen)
    return names
