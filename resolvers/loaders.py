"""One DataLoader per relation, built fresh for each request (and each subscription event).

A plan is loaded a level at a time, every level keyed by its order (the order's line items,
domain orders, tasks, dependency links and fallouts: one statement each, whatever the plan's
size), and every row a level brings back (with the rows joined to it) primes the by-id loaders,
so walking the plan in any direction asks the database nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from strawberry.dataloader import DataLoader

from models import (
    AssignmentGroup,
    DomainOrder,
    Event,
    FalloutRecord,
    LineItem,
    ServiceOrder,
    ServiceSpecification,
    SoldProduct,
    SpecificationRelationship,
    Task,
    TaskTemplate,
    User,
)
from services.queries import batches

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class OrderDomainOrders:
    """An order's domain orders: by id, each line item's (flat, parents first), by parent."""

    by_id: Mapping[int, DomainOrder]
    by_line_item: Mapping[int, list[DomainOrder]]
    children: Mapping[int | None, list[DomainOrder]]


@dataclass(frozen=True)
class OrderTasks:
    tasks: list[Task]
    by_id: Mapping[int, Task]
    by_domain_order: Mapping[int, list[Task]]


@dataclass(frozen=True)
class Links:
    """Dependency edges both ways: what each node depends on, and what depends on it."""

    depends_on: Mapping[int, list[int]] = field(default_factory=dict)
    dependents: Mapping[int, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderFallouts:
    fallouts: list[FalloutRecord]
    by_task: Mapping[int, list[FalloutRecord]]


def _optional(
    fetch: Callable[[list[int]], Awaitable[Mapping[int, V]]],
) -> Callable[[list[int]], Awaitable[list[V | None]]]:
    async def load(keys: list[int]) -> list[V | None]:
        found = await fetch(keys)
        return [found.get(key) for key in keys]

    return load


def _index(rows: Sequence[V], key: Callable[[V], K]) -> dict[K, list[V]]:
    grouped: dict[K, list[V]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def _links(pairs: Sequence[tuple[int, int]]) -> Links:
    depends_on: dict[int, list[int]] = defaultdict(list)
    dependents: dict[int, list[int]] = defaultdict(list)
    for node, prerequisite in pairs:
        depends_on[node].append(prerequisite)
        dependents[prerequisite].append(node)
    return Links(depends_on, dependents)


class Loaders:
    def __init__(self) -> None:
        self.order = DataLoader[int, ServiceOrder | None](_optional(batches.orders_by_id))
        self.line_item = DataLoader[int, LineItem | None](self._line_items_by_id)
        self.line_items_by_order = DataLoader[int, list[LineItem]](self._line_items_by_order)
        self.sold_product = DataLoader[int, SoldProduct | None](self._sold_products_by_id)
        self.sold_product_by_line_item = DataLoader[int, SoldProduct | None](
            self._sold_products_by_line_item
        )
        self.line_items_changing_product = DataLoader[int, list[LineItem]](
            self._line_items_changing_products
        )
        self.domain_order = DataLoader[int, DomainOrder | None](self._domain_orders_by_id)
        self.domain_orders_by_order = DataLoader[int, OrderDomainOrders](
            self._domain_orders_by_order
        )
        self.task = DataLoader[int, Task | None](self._tasks_by_id)
        self.tasks_by_order = DataLoader[int, OrderTasks](self._tasks_by_order)
        self.task_links_by_order = DataLoader[int, Links](self._task_links_by_order)
        self.task_links_by_task = DataLoader[int, Links](self._task_links_by_task)
        self.fallout = DataLoader[int, FalloutRecord | None](self._fallouts_by_id)
        self.fallouts_by_order = DataLoader[int, OrderFallouts](self._fallouts_by_order)
        self.user = DataLoader[int, User | None](_optional(batches.users_by_id))
        self.group = DataLoader[int, AssignmentGroup | None](_optional(batches.groups_by_id))
        self.groups_by_user = DataLoader[int, list[AssignmentGroup]](self._groups_by_user)
        self.group_ids_by_user = DataLoader[int, frozenset[int]](self._group_ids_by_user)
        self.specification = DataLoader[int, ServiceSpecification | None](
            _optional(batches.specifications_by_id)
        )
        self.relationships_by_specification = DataLoader[int, list[SpecificationRelationship]](
            self._relationships
        )
        self.task_template = DataLoader[int, TaskTemplate | None](self._templates_by_id)
        self.task_templates_by_specification = DataLoader[int, list[TaskTemplate]](
            self._templates_by_specification
        )
        self.template_links_by_specification = DataLoader[int, Links](self._template_links)
        self.event = DataLoader[int, Event | None](_optional(batches.events_by_id))

    async def _groups_by_user(self, keys: list[int]) -> list[list[AssignmentGroup]]:
        found = await batches.groups_by_user(keys)
        return [found.get(key, []) for key in keys]

    async def _group_ids_by_user(self, keys: list[int]) -> list[frozenset[int]]:
        """From the groups themselves: a request that shows the reader's groups and asks what
        the reader may do reads them once."""
        found = await self.groups_by_user.load_many(keys)
        return [frozenset(group.id for group in groups) for groups in found]

    async def task_in_order(self, order_id: int, task_id: int) -> Task | None:
        """From its order's tasks when this request loads them anyway; else on its own."""
        if self.tasks_by_order.cache_map.get(order_id) is not None:
            return (await self.tasks_by_order.load(order_id)).by_id.get(task_id)
        return await self.task.load(task_id)

    # Each loader below reads one level and primes the loaders of the rows it brought along;
    # the prime_* methods are public for lists that read rows themselves.

    async def _line_items_by_id(self, keys: list[int]) -> list[LineItem | None]:
        found = await batches.line_items_by_id(keys)
        self.prime_line_items(found.values())
        return [found.get(key) for key in keys]

    async def _line_items_by_order(self, keys: list[int]) -> list[list[LineItem]]:
        found = await batches.line_items_by_order(keys)
        for items in found.values():
            self.prime_line_items(items)
        return [found.get(key, []) for key in keys]

    def prime_line_items(self, items: Iterable[LineItem]) -> None:
        for item in items:
            self.line_item.prime(item.id, item)
            self.specification.prime(item.specification_id, item.specification)

    async def _sold_products_by_id(self, keys: list[int]) -> list[SoldProduct | None]:
        found = await batches.sold_products_by_id(keys)
        self.prime_sold_products(found.values())
        return [found.get(key) for key in keys]

    async def _sold_products_by_line_item(self, keys: list[int]) -> list[SoldProduct | None]:
        found = await batches.sold_products_by_line_item(keys)
        self.prime_sold_products(found.values())
        return [found.get(key) for key in keys]

    async def _line_items_changing_products(self, keys: list[int]) -> list[list[LineItem]]:
        found = await batches.line_items_changing_products(keys)
        for items in found.values():
            self.prime_line_items(items)
        return [found.get(key, []) for key in keys]

    def prime_sold_products(self, products: Iterable[SoldProduct]) -> None:
        for product in products:
            self.sold_product.prime(product.id, product)
            self.specification.prime(product.specification_id, product.specification)

    async def _domain_orders_by_id(self, keys: list[int]) -> list[DomainOrder | None]:
        found = await batches.domain_orders_by_id(keys)
        self.prime_domain_orders(found.values())
        return [found.get(key) for key in keys]

    async def _domain_orders_by_order(self, keys: list[int]) -> list[OrderDomainOrders]:
        found = await batches.domain_orders_by_order(keys)
        plans = []
        for key in keys:
            rows = found.get(key, [])
            self.prime_domain_orders(rows)
            plans.append(
                OrderDomainOrders(
                    by_id={row.id: row for row in rows},
                    by_line_item=_index(rows, lambda d: d.line_item_id),
                    children=_index(rows, lambda d: d.parent_id),
                )
            )
        return plans

    def prime_domain_orders(self, rows: Iterable[DomainOrder]) -> None:
        for row in rows:
            self.domain_order.prime(row.id, row)
            self.specification.prime(row.specification_id, row.specification)

    async def _tasks_by_id(self, keys: list[int]) -> list[Task | None]:
        found = await batches.tasks_by_id(keys)
        self.prime_tasks(found.values())
        return [found.get(key) for key in keys]

    async def _tasks_by_order(self, keys: list[int]) -> list[OrderTasks]:
        found = await batches.tasks_by_order(keys)
        plans = []
        for key in keys:
            tasks = found.get(key, [])
            self.prime_tasks(tasks, joined=False)
            by_domain_order = _index(tasks, lambda t: t.domain_order_id)
            plans.append(OrderTasks(tasks, {t.id: t for t in tasks}, by_domain_order))
        return plans

    def prime_tasks(self, tasks: Iterable[Task], *, joined: bool = True) -> None:
        """`joined`: the tasks were read with their group and assignee."""
        for task in tasks:
            self.task.prime(task.id, task)
            if not joined:
                continue
            self.group.prime(task.assignment_group_id, task.assignment_group)
            if task.assignee_id is not None:
                self.user.prime(task.assignee_id, task.assignee)

    async def _task_links_by_order(self, keys: list[int]) -> list[Links]:
        found = await batches.task_links_by_order(keys)
        return [_links(found.get(key, [])) for key in keys]

    async def _task_links_by_task(self, keys: list[int]) -> list[Links]:
        """Every key gets the edges of the whole batch: each task finds its own in them."""
        links = _links(await batches.task_links_of_tasks(keys))
        return [links for _ in keys]

    async def _fallouts_by_id(self, keys: list[int]) -> list[FalloutRecord | None]:
        found = await batches.fallouts_by_id(keys)
        self.prime_fallouts(found.values())
        return [found.get(key) for key in keys]

    async def _fallouts_by_order(self, keys: list[int]) -> list[OrderFallouts]:
        found = await batches.fallouts_by_order(keys)
        results = []
        for key in keys:
            fallouts = found.get(key, [])
            self.prime_fallouts(fallouts)
            by_task = _index(fallouts, lambda f: f.task_id)
            results.append(OrderFallouts(fallouts, by_task))
        return results

    def prime_fallouts(self, fallouts: Iterable[FalloutRecord]) -> None:
        for fallout in fallouts:
            self.fallout.prime(fallout.id, fallout)
            for user_id, user in (
                (fallout.created_by_id, fallout.created_by),
                (fallout.assignee_id, fallout.assignee),
                (fallout.resolved_by_id, fallout.resolved_by),
            ):
                if user_id is not None:
                    self.user.prime(user_id, user)

    async def _relationships(self, keys: list[int]) -> list[list[SpecificationRelationship]]:
        found = await batches.relationships_by_specification(keys)
        for relationships in found.values():
            for relationship in relationships:
                self.specification.prime(relationship.target_id, relationship.target)
        return [found.get(key, []) for key in keys]

    async def _templates_by_id(self, keys: list[int]) -> list[TaskTemplate | None]:
        found = await batches.task_templates_by_id(keys)
        self.prime_templates(found.values())
        return [found.get(key) for key in keys]

    async def _templates_by_specification(self, keys: list[int]) -> list[list[TaskTemplate]]:
        found = await batches.task_templates_by_specification(keys)
        for templates in found.values():
            self.prime_templates(templates)
        return [found.get(key, []) for key in keys]

    def prime_templates(self, templates: Iterable[TaskTemplate]) -> None:
        for template in templates:
            self.task_template.prime(template.id, template)
            self.group.prime(template.assignment_group_id, template.assignment_group)

    async def _template_links(self, keys: list[int]) -> list[Links]:
        found = await batches.template_links_by_specification(keys)
        return [_links(found.get(key, [])) for key in keys]
