"""Batch reads behind the GraphQL DataLoaders: one statement per call, whatever the key count.

A plan is read a level at a time (orders, line items, domain orders, tasks, links, fallouts),
each level keyed by the order or line item it belongs to, so that the statement count of a
plan query does not grow with the plan. Related rows every view shows (specifications,
assignees, groups) come joined in the same statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar, cast

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

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
    TaskDependency,
    TaskTemplate,
    TaskTemplateDependency,
    User,
)

Links = list[tuple[int, int]]
R = TypeVar("R")


async def orders_by_id(ids: Iterable[int]) -> dict[int, ServiceOrder]:
    return {o.id: o for o in await ServiceOrder.filter(id__in=list(ids))}


async def line_items_by_id(ids: Iterable[int]) -> dict[int, LineItem]:
    rows = await LineItem.filter(id__in=list(ids)).select_related("specification")
    return {i.id: i for i in rows}


async def line_items_by_order(order_ids: Iterable[int]) -> dict[int, list[LineItem]]:
    rows = await LineItem.filter(service_order_id__in=list(order_ids)).select_related(
        "specification"
    )
    return _group(rows, lambda i: i.service_order_id)


async def sold_products_by_id(ids: Iterable[int]) -> dict[int, SoldProduct]:
    rows = await SoldProduct.filter(id__in=list(ids)).select_related("specification")
    return {p.id: p for p in rows}


async def sold_products_by_line_item(line_item_ids: Iterable[int]) -> dict[int, SoldProduct]:
    rows = await SoldProduct.filter(line_item_id__in=list(line_item_ids)).select_related(
        "specification"
    )
    return {p.line_item_id: p for p in rows}


async def line_items_changing_products(product_ids: Iterable[int]) -> dict[int, list[LineItem]]:
    """The MODIFY and DELETE items naming each product, oldest first."""
    rows = (
        await LineItem.filter(changed_product_id__in=list(product_ids))
        .select_related("specification")
        .order_by("id")
    )
    return _group(rows, lambda i: cast(int, i.changed_product_id))


async def domain_orders_by_id(ids: Iterable[int]) -> dict[int, DomainOrder]:
    rows = await DomainOrder.filter(id__in=list(ids)).select_related("specification")
    return {d.id: d for d in rows}


async def domain_orders_by_order(order_ids: Iterable[int]) -> dict[int, list[DomainOrder]]:
    """Each order's domain orders, every line item's tree flat, parents before children."""
    rows = await DomainOrder.filter(service_order_id__in=list(order_ids)).select_related(
        "specification"
    )
    return _group(rows, lambda d: d.service_order_id)


async def tasks_by_id(ids: Iterable[int]) -> dict[int, Task]:
    rows = await Task.filter(id__in=list(ids)).select_related("assignment_group", "assignee")
    return {t.id: t for t in rows}


async def tasks_by_order(order_ids: Iterable[int]) -> dict[int, list[Task]]:
    """Without their groups and assignees: hundreds of tasks share a handful of each, which
    their own loaders read in one statement each, instead of a copy per row."""
    rows = await Task.filter(service_order_id__in=list(order_ids))
    return _group(rows, lambda t: t.service_order_id)


async def task_links_by_order(order_ids: Iterable[int]) -> dict[int, Links]:
    """Each order's dependency edges as (task id, id of the task it depends on)."""
    rows = await TaskDependency.filter(task__service_order_id__in=list(order_ids)).values_list(
        "task__service_order_id", "task_id", "depends_on_id"
    )
    links: dict[int, Links] = defaultdict(list)
    for order_id, task_id, depends_on_id in rows:
        links[int(order_id)].append((int(task_id), int(depends_on_id)))
    return links


async def task_links_of_tasks(task_ids: Iterable[int]) -> Links:
    """The dependency edges that start or end at one of the tasks, as (task id, id of the task
    it depends on): for tasks read outside their order's plan (a list's page of them), fewer
    rows than their orders' edges, and found through an index either way."""
    ids = list(task_ids)
    rows = await TaskDependency.filter(Q(task_id__in=ids) | Q(depends_on_id__in=ids)).values_list(
        "task_id", "depends_on_id"
    )
    return [(int(task_id), int(depends_on_id)) for task_id, depends_on_id in rows]


async def fallouts_by_id(ids: Iterable[int]) -> dict[int, FalloutRecord]:
    rows = await _fallouts().filter(id__in=list(ids))
    return {f.id: f for f in rows}


async def fallouts_by_order(order_ids: Iterable[int]) -> dict[int, list[FalloutRecord]]:
    """Newest first, like the fallout list."""
    rows = await _fallouts().filter(service_order_id__in=list(order_ids))
    return _group(rows, lambda f: f.service_order_id)


def _fallouts() -> QuerySet[FalloutRecord]:
    return FalloutRecord.all().select_related("assignee", "created_by", "resolved_by")


async def users_by_id(ids: Iterable[int]) -> dict[int, User]:
    return {u.id: u for u in await User.filter(id__in=list(ids))}


async def groups_by_id(ids: Iterable[int]) -> dict[int, AssignmentGroup]:
    return {g.id: g for g in await AssignmentGroup.filter(id__in=list(ids))}


async def groups_by_user(user_ids: Iterable[int]) -> dict[int, list[AssignmentGroup]]:
    rows = await AssignmentGroup.filter(members__id__in=list(user_ids)).values(
        "id", "name", "description", "members__id"
    )
    groups: dict[int, list[AssignmentGroup]] = defaultdict(list)
    for row in rows:
        group = AssignmentGroup(id=row["id"], name=row["name"], description=row["description"])
        groups[int(row["members__id"])].append(group)
    return groups


async def specifications_by_id(ids: Iterable[int]) -> dict[int, ServiceSpecification]:
    return {s.id: s for s in await ServiceSpecification.filter(id__in=list(ids))}


async def all_specifications() -> list[ServiceSpecification]:
    return await ServiceSpecification.all()


async def relationships_by_specification(
    specification_ids: Iterable[int],
) -> dict[int, list[SpecificationRelationship]]:
    rows = await SpecificationRelationship.filter(
        source_id__in=list(specification_ids)
    ).select_related("target")
    return _group(rows, lambda r: r.source_id)


async def task_templates_by_id(ids: Iterable[int]) -> dict[int, TaskTemplate]:
    rows = await TaskTemplate.filter(id__in=list(ids)).select_related("assignment_group")
    return {t.id: t for t in rows}


async def task_templates_by_specification(
    specification_ids: Iterable[int],
) -> dict[int, list[TaskTemplate]]:
    rows = await TaskTemplate.filter(specification_id__in=list(specification_ids)).select_related(
        "assignment_group"
    )
    return _group(rows, lambda t: t.specification_id)


async def template_links_by_specification(
    specification_ids: Iterable[int],
) -> dict[int, Links]:
    """Each specification's template dependencies as (template id, id it depends on)."""
    rows = await TaskTemplateDependency.filter(
        template__specification_id__in=list(specification_ids)
    ).values_list("template__specification_id", "template_id", "depends_on_id")
    links: dict[int, Links] = defaultdict(list)
    for specification_id, template_id, depends_on_id in rows:
        links[int(specification_id)].append((int(template_id), int(depends_on_id)))
    return links


async def events_by_id(ids: Iterable[int]) -> dict[int, Event]:
    return {e.id: e for e in await Event.filter(id__in=list(ids))}


def _group(rows: Iterable[R], key: Callable[[R], int]) -> dict[int, list[R]]:
    groups: dict[int, list[R]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return groups
