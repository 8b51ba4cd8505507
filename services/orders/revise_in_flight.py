"""Revising an order in fulfilment: each touched item re-planned (docs/design, section 4).

Called by revise.py inside its unit of work, the order locked and the input checked. Per item
of the diff:

- removed: cancelled as a cancellation does (`plan_cancellation`: its open tasks CANCELLED,
  its completed ones compensated in reverse order), `cancelled_at` set so that the rollup makes
  it CANCELLING, then CANCELLED, and its sold product with it;
- changed (quantity or characteristics): the new plan computed from the catalog and
  `replan`ned against the rows: kept tasks keep their row (state, work, assignee), those only in
  the old plan are cancelled or compensated, those only in the new one created, the edges
  rebuilt;
- added: a new line item (and its sold product) planned as at approval: `replan` from nothing
  creates every task, READY where nothing is waited on.
All three are written by `write_plan_changes` (plan_changes.py), then one rollup recounts the
order (it stays IN_PROGRESS, or HELD: a hold outlives a revision).

Refused (INVALID_STATE, the item named) for a removed or changed item past its point of no
return, and for one whose work is over (COMPLETED, FAILED, or cancelled already): there is
nothing left to change in it. A cancelled item left out of the list is simply left as it is.

What it returns is the revised event's diff, with what re-planning did to each item: `kept`,
`created`, `cancelled` and `compensating` task counts and `droppedDependencies` (task ids: an
edge of the new plan not made because the task already started).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from models import LineItem, ServiceOrder, ServiceSpecification, SoldProduct
from models.enums import FulfillmentState
from services import rollup
from services.errors import InvalidStateError
from services.events.kinds import EventKind
from services.events.recorders import record_line_item
from services.orders.catalog_graph import load_catalog_graph
from services.orders.plan_changes import (
    WrittenPlanChanges,
    load_persisted_plan,
    write_plan_changes,
)
from services.orders.planning import plan_line_item
from services.orders.point_of_no_return import passed_by
from services.orders.replanning import (
    Created,
    Existing,
    PersistedPlan,
    PlanChanges,
    TaskRef,
    plan_cancellation,
    replan,
)
from services.orders.revision_diff import RevisionDiff, WantedItem
from services.orders.rules import line_item_can_be_revised
from services.unit_of_work import UnitOfWork

_NOTHING_PLANNED = PersistedPlan((), (), ())


async def revise_in_flight(
    uow: UnitOfWork,
    order: ServiceOrder,
    items: Sequence[LineItem],
    diff: RevisionDiff,
    specifications: dict[str, ServiceSpecification],
    *,
    reason: str,
) -> dict[str, Any]:
    by_id = {item.id: item for item in items}
    removed = [by_id[item.id] for item in diff.removed]
    changed = [(by_id[change.id], change.after) for change in diff.changed]
    for item in [*removed, *(item for item, _ in changed)]:
        await _check_revisable(item)

    added_items = await _create_items(order, diff, specifications)
    touched = [item for item, _ in changed] + removed + added_items
    catalog = await load_catalog_graph({item.specification_id for item in touched})
    domain_order_ids: set[int] = set()
    effects: dict[int, dict[str, Any]] = {}

    for item in removed:
        changes = plan_cancellation(catalog, await load_persisted_plan(item))
        written = await write_plan_changes(uow, order, item, changes, reason=reason)
        item.cancelled_at = uow.started_at
        item.cancellation_reason = reason
        fields = ["cancelled_at", "cancellation_reason"]
        if not written.domain_order_ids:  # no plan of its own: the rollup would never see it
            previous = item.state
            item.state = FulfillmentState.CANCELLED
            record_line_item(uow, EventKind.LINE_ITEM_STATE_CHANGED, item, previous_state=previous)
            fields.append("state")
        await item.save(update_fields=fields)
        domain_order_ids |= written.domain_order_ids
        effects[item.id] = _effects(changes, written)

    products_now = await _products_characteristics([item for item, _ in changed])
    for item, wanted in changed:
        new = plan_line_item(
            catalog,
            item.specification_id,
            wanted.characteristics,
            wanted.quantity,
            action=item.action,
            # As at approval: a MODIFY plans against what the product has now.
            previous_characteristics=products_now.get(item.id),
        )
        changes = replan(catalog, await load_persisted_plan(item), new)
        written = await write_plan_changes(uow, order, item, changes, new, reason=reason)
        item.quantity = wanted.quantity
        item.characteristics = dict(wanted.characteristics)
        domain_order_ids |= written.domain_order_ids
        effects[item.id] = _effects(changes, written)

    added_effects = []
    for item in added_items:
        new = plan_line_item(
            catalog, item.specification_id, item.characteristics, item.quantity, action=item.action
        )
        changes = replan(catalog, _NOTHING_PLANNED, new)
        written = await write_plan_changes(uow, order, item, changes, new, reason=reason)
        domain_order_ids |= written.domain_order_ids
        added_effects.append({"lineItemId": item.id, "created": len(written.created_tasks)})

    for item in items:
        if item.id in diff.positions:
            item.position = diff.positions[item.id]
            await item.save(update_fields=["position", "quantity", "characteristics"])
    await rollup.roll_up(uow, order, domain_order_ids)

    payload = diff.payload()
    for entry, added in zip(payload["added"], added_effects, strict=True):
        entry.update(added)
    for entry in [*payload["removed"], *payload["changed"]]:
        entry.update(effects.get(entry["lineItemId"], {}))
    return payload


async def _check_revisable(item: LineItem) -> None:
    where = f"Line item {item.position + 1}"
    if item.point_of_no_return_reached_at is not None:
        raise InvalidStateError(
            f"{where} is past its point of no return ({await passed_by(item)}): it can no "
            "longer be changed or removed.",
            field="lineItems",
        )
    if not line_item_can_be_revised(item):  # its work is over
        state = FulfillmentState.CANCELLED if item.cancelled_at is not None else item.state
        raise InvalidStateError(
            f"{where} is {state.value}: its work is over, there is nothing left to change.",
            field="lineItems",
        )


async def _products_characteristics(items: Sequence[LineItem]) -> dict[int, dict[str, Any]]:
    """The characteristics of the products the MODIFY and DELETE items change, by item id."""
    product_of = {i.changed_product_id: i.id for i in items if i.changed_product_id is not None}
    if not product_of:
        return {}
    rows = await SoldProduct.filter(id__in=list(product_of)).values_list("id", "characteristics")
    return {product_of[cast(int, id)]: cast(dict[str, Any], chars) for id, chars in rows}


async def _create_items(
    order: ServiceOrder, diff: RevisionDiff, specifications: dict[str, ServiceSpecification]
) -> list[LineItem]:
    created = []
    for position, wanted in zip(diff.added_positions, diff.added, strict=True):
        created.append(await _create_item(order, position, wanted, specifications))
    return created


async def _create_item(
    order: ServiceOrder,
    position: int,
    wanted: WantedItem,
    specifications: dict[str, ServiceSpecification],
) -> LineItem:
    """A new item, with its sold product as approval gives one."""
    specification = specifications[wanted.specification_code]
    item = await LineItem.create(
        service_order_id=order.id,
        position=position,
        action=wanted.action,
        specification_id=specification.id,
        characteristics=dict(wanted.characteristics),
        quantity=wanted.quantity,
    )
    await SoldProduct.create(
        line_item_id=item.id, specification_id=specification.id, customer=order.customer
    )
    return item


def _effects(changes: PlanChanges, written: WrittenPlanChanges) -> dict[str, Any]:
    created_row = dict(zip(changes.created_tasks, written.created_tasks, strict=True))

    def row_id(ref: TaskRef) -> int:
        if isinstance(ref, Existing):
            return ref.id
        if isinstance(ref, Created):
            return created_row[ref.index].id
        return written.compensating_tasks[ref.index].id

    return {
        "kept": len(changes.kept_tasks),
        "created": len(written.created_tasks),
        "cancelled": len(written.cancelled_tasks),
        "compensating": len(written.compensating_tasks),
        # [task id, id of the task it would have waited on]
        "droppedDependencies": sorted(
            [row_id(task), row_id(depends_on)] for task, depends_on in changes.dropped_dependencies
        ),
    }
