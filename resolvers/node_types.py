"""The node types: every object `node(id:)` can fetch, in one table.

Each row names the GraphQL type its global ids carry, the model it shows, the by-id loader that
reads it and the rule that says whether the reader may see it. Global ids (resolvers/global_ids.py),
`node(id:)` (resolvers/nodes.py) and the schema's Node types (`node_type` in schema/node.py, which
takes its GraphQL name from here) all read this table, so a new node type is one row here and
one `@node_type(model)` class in schema/types/.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from models import (
    AssignmentGroup,
    DomainOrder,
    Event,
    FalloutRecord,
    LineItem,
    ServiceOrder,
    ServiceSpecification,
    SoldProduct,
    Task,
    TaskTemplate,
    User,
)
from resolvers import visibility
from resolvers.context import Context
from resolvers.loaders import Loaders

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class NodeType(Generic[M]):
    name: str  # the GraphQL type name, and the prefix of its global ids
    model: type[M]
    loader: Callable[[Loaders], DataLoader[int, M | None]]
    readable: Callable[[Context, M], Awaitable[bool]]

    async def fetch(self, context: Context, pk: int) -> M | None:
        """The row, if it exists and the reader may see it."""
        row = await self.loader(context.loaders).load(pk)
        if row is None or not await self.readable(context, row):
            return None
        return row


NODE_TYPES: tuple[NodeType[Any], ...] = (
    NodeType(
        "ServiceOrder",
        ServiceOrder,
        loader=lambda loaders: loaders.order,
        readable=visibility.order_is_readable,
    ),
    NodeType(
        "LineItem",
        LineItem,
        loader=lambda loaders: loaders.line_item,
        readable=visibility.line_item_is_readable,
    ),
    NodeType(
        "SoldProduct",
        SoldProduct,
        loader=lambda loaders: loaders.sold_product,
        readable=visibility.product_is_readable,
    ),
    NodeType(
        "DomainOrder",
        DomainOrder,
        loader=lambda loaders: loaders.domain_order,
        readable=visibility.domain_order_is_readable,
    ),
    NodeType(
        "Task",
        Task,
        loader=lambda loaders: loaders.task,
        readable=visibility.task_is_readable,
    ),
    NodeType(
        "FalloutRecord",
        FalloutRecord,
        loader=lambda loaders: loaders.fallout,
        readable=visibility.fallout_is_readable,
    ),
    NodeType(
        "HistoryEvent",
        Event,
        loader=lambda loaders: loaders.event,
        readable=visibility.event_is_readable,
    ),
    NodeType(
        "ServiceSpecification",
        ServiceSpecification,
        loader=lambda loaders: loaders.specification,
        readable=visibility.reference_is_readable,
    ),
    NodeType(
        "TaskTemplate",
        TaskTemplate,
        loader=lambda loaders: loaders.task_template,
        readable=visibility.reference_is_readable,
    ),
    NodeType(
        "User",
        User,
        loader=lambda loaders: loaders.user,
        readable=visibility.user_is_readable,
    ),
    NodeType(
        "AssignmentGroup",
        AssignmentGroup,
        loader=lambda loaders: loaders.group,
        readable=visibility.reference_is_readable,
    ),
)

BY_NAME: Mapping[str, NodeType[Any]] = {node.name: node for node in NODE_TYPES}
BY_MODEL: Mapping[type[Model], NodeType[Any]] = {node.model: node for node in NODE_TYPES}


def type_name(model: type[Model]) -> str:
    """The GraphQL type that shows `model` rows."""
    return BY_MODEL[model].name
