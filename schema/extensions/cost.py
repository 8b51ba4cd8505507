"""A query cost limit: the static cost of an operation, from its document and its `first`
arguments, computed before it runs (as GitHub's node limit and Shopify's calculated cost).

    cost(selection) = Σ over its fields f of cost(f)
    cost(f) = 0                                  for a scalar or enum field, and for
                                                 introspection (`__schema`, `__type`, ...)
    cost(f) = size(f) x (1 + cost(f's selection)) for an object, list or connection field

    size(f) = 1                for a single object, and for a connection itself
            = first            for the `edges` and `nodes` of a connection called with `first`
                               (DEFAULT_PAGE_SIZE without it, MAX_PAGE_SIZE at most)
            = LIST_SIZES[f]    for a plain list that has an entry there
            = DEFAULT_LIST_SIZE (10) for any other plain list

So an operation costs the number of objects it can return. Plain lists have no `first`: they
are priced by what they hold in a large order. An order's plan is priced as 10 line items x
10 domain orders x 10 tasks (1,000 tasks, each with up to 10 dependencies and 10 fallouts),
which covers the 800-task order of the benchmarks; `ServiceOrder.tasks`, every task of the
plan at once, is priced the same 1,000. The UI's plan query (ui/src/api/documents.graphql,
bench/plan_query.py) costs 25,826, nearly all of it its 1,000 tasks x 25 objects each
(tests/api/test_cost.py); the richer plan of tests/api/test_plan.py (dependents, fallouts
with their people) 76,603. MAX_QUERY_COST defaults to 100,000: nearly four times the UI's plan.

The cost is reported in the response's `extensions.cost` ({"requestedQueryCost": …,
"maximumAvailable": …}); over the limit, the operation does not run and the one error is coded
QUERY_TOO_COMPLEX.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.extensions.codes import Code
from schema.internals import graphql_schema
from services.limits import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

DEFAULT_LIST_SIZE = 10
PLAN_TASKS = DEFAULT_LIST_SIZE**3
LIST_SIZES: Mapping[str, int] = {
    "ServiceOrder.tasks": PLAN_TASKS,
    "ServiceOrder.criticalPath": PLAN_TASKS,
}
_PAGE_LISTS = frozenset({"edges", "nodes"})


class QueryCost(SchemaExtension):
    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost
        self.cost: int | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        operation = None
        if context.graphql_document is not None:
            operation = get_operation_ast(context.graphql_document, context.operation_name)
        if operation is not None:
            self.cost = operation_cost(
                graphql_schema(context),
                context.graphql_document,
                operation,
                context.variables or {},
            )
            if self.cost > self.max_cost:
                # A result set before execution is the result: the operation does not run.
                context.result = ExecutionResult(data=None, errors=[self._refusal(self.cost)])
        yield

    def _refusal(self, cost: int) -> GraphQLError:
        return GraphQLError(
            f"The query costs {cost}, more than the {self.max_cost} allowed: ask for fewer "
            "objects (smaller `first`, fewer nested lists or aliases).",
            extensions={"code": Code.QUERY_TOO_COMPLEX, "cost": cost},
        )

    def get_results(self) -> dict[str, Any]:
        # Not on subscription events: each would carry the same figure again.
        if self.cost is None or self.execution_context.operation_type is OperationType.SUBSCRIPTION:
            return {}
        return {"cost": {"requestedQueryCost": self.cost, "maximumAvailable": self.max_cost}}


def operation_cost(
    schema: GraphQLSchema,
    document: Any,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> int:
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    pricing = _Pricing(schema, fragments, variables)
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return pricing.selection(operation.selection_set, root.name, page=None, seen=frozenset())


class _Pricing:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def selection(
        self,
        selection_set: SelectionSetNode,
        type_name: str,
        page: int | None,
        seen: frozenset[str],
    ) -> int:
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self.field(node, type_name, page, seen)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else type_name
                total += self.selection(node.selection_set, condition, page, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    condition = fragment.type_condition.name.value
                    total += self.selection(fragment.selection_set, condition, page, seen | {name})
        return total

    def field(self, node: FieldNode, type_name: str, page: int | None, seen: frozenset[str]) -> int:
        name = node.name.value
        definition = self._definition(type_name, name)
        if name.startswith("__") or definition is None or node.selection_set is None:
            return 0
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        size, child_page = 1, None
        if "first" in definition.args:
            child_page = self._first(node)
        elif is_list_type(get_nullable_type(definition.type)):
            if page is not None and name in _PAGE_LISTS:
                size = page
            else:
                size = LIST_SIZES.get(f"{type_name}.{name}", DEFAULT_LIST_SIZE)
        return size * (1 + self.selection(node.selection_set, named.name, child_page, seen))

    def _definition(self, type_name: str, field_name: str) -> GraphQLField | None:
        parent = self.schema.get_type(type_name)
        fields = getattr(parent, "fields", None)
        return None if fields is None else fields.get(field_name)

    def _first(self, node: FieldNode) -> int:
        """The page size the field is asked for; invalid values are refused later anyway."""
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value: Any = None
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value)
            if isinstance(value, int) and not isinstance(value, bool):
                return max(0, min(value, MAX_PAGE_SIZE))
        return DEFAULT_PAGE_SIZE
