"""Reading the task list."""

from __future__ import annotations

from models import AssignmentGroup, ServiceOrder, Task
from models.enums import TaskState
from resolvers.arguments import filter_id, page_request, user_filter
from resolvers.context import Context
from services.queries.lists import TaskFilter, list_tasks
from services.queries.pagination import Page


async def tasks(
    context: Context,
    *,
    state: TaskState | None,
    assignee: str | None,
    group: str | None,
    service_order_id: str | None,
    overdue: bool | None = None,
    first: int | None,
    after: str | None,
) -> Page[Task]:
    where = TaskFilter(
        state=state,
        assignee_id=user_filter(context, assignee, field="assignee"),
        assignment_group_id=filter_id(group, AssignmentGroup, field="group"),
        service_order_id=filter_id(service_order_id, ServiceOrder, field="serviceOrderId"),
        overdue=overdue,
    )
    page = await list_tasks(context.actor, where, page_request(first, after))
    context.loaders.prime_tasks(page.rows)
    return page
