"""A manager resolves a fallout and decides what happens to its task: retried, completed or
skipped; or (FAIL_LINE_ITEM) the work cannot be done and the task's line item fails
(services/orders/fail_item.py)."""

from __future__ import annotations

from models import FalloutRecord, LineItem, ServiceOrder, Task, User
from models.enums import TASK_DONE_STATES, FalloutAction, FalloutState, TaskState
from services.errors import ValidationError
from services.events.kinds import EventKind
from services.events.recorders import Detail, record_fallout, record_task
from services.fallouts.rules import FAILS_ITEM, can_be_resolved, is_open, outcome_of
from services.inputs import required_text
from services.json_values import JsonValue, checked_value
from services.limits import MAX_OUTPUT_BYTES
from services.locking import lock_fallout
from services.orders.fail_item import can_fail, fail_line_item, line_item_of, why_it_cannot_fail
from services.policy import Action
from services.rollup import roll_up
from services.tasks.finish import finish_task
from services.tasks.readiness import predecessors_done
from services.tasks.rules import is_automated, state_after_hold
from services.transitions import check_transition
from services.unit_of_work import UnitOfWork, unit_of_work


async def resolve_fallout(
    actor: User,
    fallout_id: int,
    action: FalloutAction,
    note: str,
    *,
    expected_version: int | None = None,
    input: JsonValue = None,
) -> FalloutRecord:
    """`input`: with RETRY_TASK on an automated task, a corrected input for its worker (stored
    on the task and handed over with its next fetch); None keeps the one it has."""
    async with unit_of_work(actor) as uow:
        fallout, order = await lock_fallout(fallout_id)
        task = await Task.get(id=fallout.task_id)
        item = await line_item_of(task) if action is FAILS_ITEM else None
        check_transition(
            actor,
            Action.RESOLVE_FALLOUT,
            fallout,
            what="Fallout",
            field="falloutId",
            expected_version=expected_version,
            allowed=can_be_resolved(fallout, task)
            and (item is None or can_fail(item, fallout, task)),
            wrong_state=_why_not_resolvable(order, fallout, task, item),
        )
        text = required_text(note, field="note", what="A note")
        corrected = _corrected_input(input, action, task)

        previous = fallout.state
        fallout.state = FalloutState.RESOLVED
        fallout.resolution_action = action
        fallout.resolution_note = text
        fallout.resolved_by_id = actor.id
        fallout.resolved_at = uow.started_at
        fallout.version += 1
        await fallout.save(
            update_fields=[
                "state",
                "resolution_action",
                "resolution_note",
                "resolved_by_id",
                "resolved_at",
                "version",
                "updated_at",
            ]
        )
        record_fallout(
            uow,
            EventKind.FALLOUT_RESOLVED,
            fallout,
            previous_state=previous,
            action=action.value,
            note=text,
        )
        if item is not None:
            await fail_line_item(uow, order, item, reason=text, fallout=fallout, task=task)
        else:
            await _release_task(uow, order, task, fallout, action, corrected)
    return fallout


def _corrected_input(value: JsonValue, action: FalloutAction, task: Task) -> JsonValue:
    if value is None:
        return None
    if action is not FalloutAction.RETRY_TASK or not is_automated(task):
        raise ValidationError(
            "A corrected input goes only with RETRY_TASK on an automated task.", field="input"
        )
    return checked_value(value, field="input", what="The input", max_bytes=MAX_OUTPUT_BYTES)


def _why_not_resolvable(
    order: ServiceOrder, fallout: FalloutRecord, task: Task, item: LineItem | None
) -> str:
    if not is_open(fallout):
        return (
            f"Fallout {fallout.number} is {fallout.state.value}; only an open fallout can be "
            "resolved."
        )
    if task.state is not TaskState.ON_HOLD:
        return f"Task {task.number} is {task.state.value}, not ON_HOLD."
    return "" if item is None else why_it_cannot_fail(order, item, task)


async def _release_task(
    uow: UnitOfWork,
    order: ServiceOrder,
    task: Task,
    fallout: FalloutRecord,
    action: FalloutAction,
    corrected: JsonValue,
) -> None:
    details: dict[str, Detail] = {"falloutId": fallout.id, "falloutNumber": fallout.number}
    outcome = outcome_of(action)
    state = state_after_hold(outcome, await predecessors_done(task))
    if state in TASK_DONE_STATES:
        await finish_task(uow, order, task, state, **details)
        return
    # Back to wait for its predecessors, or (RETRY_TASK) in the queue; the next start counts
    # the attempt. A decided outcome waits with the task and is applied on its release.
    task.state = state
    task.deferred_outcome = outcome if state is TaskState.PENDING else None
    task.version += 1
    fields = ["state", "deferred_outcome", "version", "updated_at"]
    if is_automated(task) and outcome is None:
        # Retried by a person's decision: its worker gets a fresh set of attempts, at once.
        task.attempts = 0
        task.next_attempt_at = None
        fields += ["attempts", "next_attempt_at"]
        if corrected is not None:
            task.input = corrected
            fields.append("input")
            details["inputCorrected"] = True
    await task.save(update_fields=fields)
    if task.deferred_outcome is None:
        record_task(uow, EventKind.TASK_RETRIED, task, previous_state=TaskState.ON_HOLD, **details)
    else:
        record_task(
            uow,
            EventKind.TASK_DEFERRED,
            task,
            previous_state=TaskState.ON_HOLD,
            deferredOutcome=task.deferred_outcome.value,
            **details,
        )
    await roll_up(uow, order, [task.domain_order_id])
