"""The installed base: the products a customer owns, the line items that change them, and how a
finished item applies its change (docs/design/lifecycle-and-installed-base.md, sections 1, 5, 7).

- An ADD item creates its product at approval (PENDING); completed, the product is ACTIVE with
  the item's characteristics; cancelled, it is CANCELLED.
- A MODIFY or DELETE item names the ACTIVE product it changes (`LineItem.changed_product_id`,
  from `soldProductId` at submit). Completed, a MODIFY gives the product the item's
  characteristics (the earlier ones stay in the `sold_product.modified` event) and a DELETE
  makes it TERMINATED; cancelled, either leaves it as it was.
- One open change per product: an open (not final) line item naming a product is its change in
  flight, and a second one is refused at submit (against any open order) and at approval
  (against the approved ones), with the product rows locked so that two approvals racing for
  one product on PostgreSQL serialise and the second is refused.

The rollup settles an item's product the moment it finds the item finished, in the same
transaction (services/rollup.py); a cancellation that finishes an item on its own path calls
`release_sold_product_change`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models import LineItem, ServiceOrder, SoldProduct
from models.enums import FulfillmentState, LineItemAction, ServiceOrderState, SoldProductState
from services.errors import ConflictError, NotFoundError, ValidationError
from services.events.kinds import EventKind
from services.events.recorders import record_sold_product
from services.unit_of_work import UnitOfWork

# A line item in one of these states changes nothing any more.
FINAL_ITEM_STATES = frozenset(
    {FulfillmentState.COMPLETED, FulfillmentState.FAILED, FulfillmentState.CANCELLED}
)
# Orders whose items no longer change anything, whatever their items' states say.
_FINAL_ORDER_STATES = frozenset(
    {ServiceOrderState.COMPLETED, ServiceOrderState.PARTIAL, ServiceOrderState.FAILED}
)
# Not approved yet: at approval, such an order's items do not stand in the way (they are checked
# again when that order is approved).
_UNAPPROVED_ORDER_STATES = frozenset({ServiceOrderState.NEW, ServiceOrderState.REJECTED})

CHANGING_ACTIONS = frozenset({LineItemAction.MODIFY, LineItemAction.DELETE})


@dataclass(frozen=True)
class ProductChange:
    """A MODIFY or DELETE line item as the checks see it; `index` names its input field."""

    index: int
    action: LineItemAction
    specification_id: int
    quantity: int
    sold_product_id: int


async def lock_changed_products(
    changes: Sequence[ProductChange],
    *,
    customer: str,
    order_id: int | None,
    readable: Mapping[int, bool] | None = None,
) -> dict[int, SoldProduct]:
    """The products `changes` name, locked, once each may be changed by them; by id.

    Refused, for the first item that fails, in this order: a product that does not exist or
    that `readable` says the submitter may not see (NOT_FOUND); one named twice in the order,
    of another customer, not ACTIVE, of another specification or another quantity
    (VALIDATION); one that an open line item of another order already changes (CONFLICT,
    naming that order). `order_id`: the order being approved (None at submit, where every open
    order counts; at approval only the approved ones do).
    """
    if not changes:
        return {}
    ids = sorted({change.sold_product_id for change in changes})
    # In id order, so that two transactions locking the same products cannot deadlock.
    products = {
        p.id: p for p in await SoldProduct.select_for_update().filter(id__in=ids).order_by("id")
    }
    quantities = dict(
        await LineItem.filter(id__in=[p.line_item_id for p in products.values()]).values_list(
            "id", "quantity"
        )
    )
    busy = await _open_changes(ids, order_id)
    seen: set[int] = set()
    for change in changes:
        field = f"lineItems[{change.index}].soldProductId"
        product = products.get(change.sold_product_id)
        if product is None or (readable is not None and not readable.get(product.id, False)):
            raise NotFoundError("No such sold product.", field=field)
        if product.id in seen:
            raise ValidationError(
                "An order changes a product with one line item: this product is named twice.",
                field=field,
            )
        seen.add(product.id)
        _check_changeable(change, product, customer, quantities.get(product.line_item_id, 1))
        other = busy.get(product.id)
        if other is not None:
            raise ConflictError(
                f"Service order {other} already changes this product: one open order at a time "
                "may change a product.",
                field=field,
            )
    return products


def _check_changeable(
    change: ProductChange, product: SoldProduct, customer: str, quantity: int
) -> None:
    path = f"lineItems[{change.index}]"
    if product.customer != customer:
        raise ValidationError(
            "The product belongs to another customer.", field=f"{path}.soldProductId"
        )
    if product.state is not SoldProductState.ACTIVE:
        raise ValidationError(
            f"Only an ACTIVE product can be changed; this one is {product.state.value}.",
            field=f"{path}.soldProductId",
        )
    if product.specification_id != change.specification_id:
        raise ValidationError(
            f"A {change.action.value} names the product's own specification.",
            field=f"{path}.specificationCode",
        )
    if change.quantity != quantity:
        # The product carries one quantity; adding or removing units is not designed yet.
        raise ValidationError(
            f"A {change.action.value} keeps the product's quantity ({quantity}).",
            field=f"{path}.quantity",
        )


async def _open_changes(product_ids: Iterable[int], order_id: int | None) -> dict[int, str]:
    """The number of an open order (other than `order_id`) changing each product, by id."""
    items = LineItem.filter(
        changed_product_id__in=list(product_ids),
        state__not_in=list(FINAL_ITEM_STATES),
        service_order__state__not_in=list(_FINAL_ORDER_STATES),
    )
    if order_id is not None:
        items = items.filter(service_order__state__not_in=list(_UNAPPROVED_ORDER_STATES)).exclude(
            service_order_id=order_id
        )
    rows = await items.order_by("id").values_list("changed_product_id", "service_order__number")
    found: dict[int, str] = {}
    for product_id, number in rows:
        found.setdefault(product_id, number)
    return found


async def lock_products_for_approval(order: ServiceOrder) -> dict[int, SoldProduct]:
    """The products the order's MODIFY and DELETE items change, locked and checked again (another
    order may have been approved for one of them since this one was submitted)."""
    items = await LineItem.filter(
        service_order_id=order.id, changed_product_id__not_isnull=True
    ).order_by("position", "id")
    changes = [
        ProductChange(
            index=index,
            action=item.action,
            specification_id=item.specification_id,
            quantity=item.quantity,
            sold_product_id=item.changed_product_id,
        )
        for index, item in enumerate(items)
        if item.changed_product_id is not None
    ]
    return await lock_changed_products(changes, customer=order.customer, order_id=order.id)


def product_number(product: SoldProduct) -> str:
    """A product's number: SP and its key. Products are created in bulk at approval, one per
    ADD item; numbering them from the key needs no counter row and no column."""
    return f"SP{product.id:07d}"


# --- Applying a finished item ---------------------------------------------------------------


async def settle_sold_products(
    uow: UnitOfWork, order: ServiceOrder, finished: Mapping[int, LineItem]
) -> None:
    """Apply the change of each item that just finished (COMPLETED or CANCELLED) to its product."""
    created = await SoldProduct.filter(line_item_id__in=list(finished))
    changed_ids = [i.changed_product_id for i in finished.values() if i.changed_product_id]
    changed = {p.id: p for p in await SoldProduct.filter(id__in=changed_ids)} if changed_ids else {}
    for product in created:
        await _settle(uow, order, product, finished[product.line_item_id])
    for item in finished.values():
        if item.changed_product_id is not None and item.changed_product_id in changed:
            await _settle(uow, order, changed[item.changed_product_id], item)


async def release_sold_product_change(uow: UnitOfWork, line_item: LineItem) -> None:
    """A cancelled `line_item` gives up its change: an ADD's PENDING product is CANCELLED
    (`sold_product.cancelled`); the product of a MODIFY or DELETE is left as it was. Safe to
    call more than once (the rollup calls it too when the item reaches CANCELLED)."""
    if line_item.action is not LineItemAction.ADD:
        return
    product = await SoldProduct.get_or_none(line_item_id=line_item.id)
    if product is None or product.state is not SoldProductState.PENDING:
        return
    product.state = SoldProductState.CANCELLED
    await product.save(update_fields=["state"])
    record_sold_product(
        uow,
        EventKind.SOLD_PRODUCT_CANCELLED,
        product,
        line_item_id=line_item.id,
        service_order_id=line_item.service_order_id,
        previous_state=SoldProductState.PENDING,
    )


async def _settle(
    uow: UnitOfWork, order: ServiceOrder, product: SoldProduct, item: LineItem
) -> None:
    if item.state is not FulfillmentState.COMPLETED:
        await release_sold_product_change(uow, item)
        return
    previous = product.state
    details: dict[str, Any] = {}
    if item.action is LineItemAction.ADD:
        if previous is not SoldProductState.PENDING:
            return
        kind = EventKind.SOLD_PRODUCT_ACTIVATED
        product.state = SoldProductState.ACTIVE
        product.activated_at = uow.started_at
        product.characteristics = dict(item.characteristics)
        details = {"characteristics": product.characteristics}
    elif item.action is LineItemAction.MODIFY:
        kind = EventKind.SOLD_PRODUCT_MODIFIED
        details = {
            "previousCharacteristics": product.characteristics,
            "characteristics": dict(item.characteristics),
        }
        product.characteristics = dict(item.characteristics)
    else:
        kind = EventKind.SOLD_PRODUCT_TERMINATED
        product.state = SoldProductState.TERMINATED
        product.terminated_at = uow.started_at
    await product.save(update_fields=["state", "activated_at", "terminated_at", "characteristics"])
    record_sold_product(
        uow,
        kind,
        product,
        line_item_id=item.id,
        service_order_id=order.id,
        previous_state=previous,
        **details,
    )
