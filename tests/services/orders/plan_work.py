"""Working a demo order's tasks by template code, for the lifecycle tests."""

from __future__ import annotations

from models import Task, User
from models.enums import TaskState
from services.tasks import complete_task, start_task
from tests.services.task_plans import agent_for, work_task


async def task_by_code(order_id: int, code: str, *, compensating: bool = False) -> Task:
    """The order's one task of template `code` (the compensating one, or the other)."""
    tasks = await Task.filter(
        service_order_id=order_id,
        template__code=code,
        compensates_id__isnull=not compensating,
    )
    assert len(tasks) == 1, f"{len(tasks)} tasks of {code}"
    return tasks[0]


async def work(order_id: int, users: dict[str, User], *codes: str) -> None:
    """Start and complete the tasks of `codes`, in that order (each must be READY by then): an
    agent a manual one, a worker an automated one."""
    for code in codes:
        task = await task_by_code(order_id, code)
        assert task.state is TaskState.READY, f"{code} is {task.state}"
        await work_task(task, users)


async def work_compensations(order_id: int, users: dict[str, User]) -> list[str]:
    """Work the READY compensating tasks until none is left; their codes in the order done."""
    done: list[str] = []
    while ready := await Task.filter(
        service_order_id=order_id, state=TaskState.READY, compensates_id__isnull=False
    ).prefetch_related("template"):
        for task in ready:
            agent = await agent_for(task, users)
            await start_task(agent, task.id)
            await complete_task(agent, task.id)
            assert task.template is not None
            done.append(task.template.code)
    return done
