"""What a revision changes: the order's line items as they are against the list it is given.

Pure (no database), like planning.py: `revision_diff(current, wanted)` pairs the wanted items
with the current ones by id and says which are added (no id), removed (a current item the list
leaves out), changed (quantity or characteristics differ) and kept as they are. The caller
(services/orders/revise.py) has checked each wanted item as submission does; what is checked
here is the list as a revision:

- an id must name an item of this order (NOT_FOUND otherwise: an item of another order, or
  one already removed), and at most once;
- an item keeps its specification and action: another product or another action is another
  item (remove it, add the new one), and its plan could share nothing with the old one; a
  MODIFY or DELETE keeps its quantity too (its product carries one);
- a revision must keep at least one item not cancelled already (removing all of them is a
  cancellation, even when the list still names an item cancelled before), and must
  change something (a revision number that goes up over nothing would say it did); leaving out
  an item cancelled already removes nothing.

The diff is also what the `service_order.revised` event carries (`payload`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from models.enums import LineItemAction
from services.errors import NotFoundError, ValidationError


@dataclass(frozen=True)
class CurrentItem:
    """A line item of the order as stored."""

    id: int
    action: LineItemAction
    specification_code: str
    quantity: int
    characteristics: Mapping[str, Any]
    # Cancelled already: leaving it out of the list removes nothing (it is not in `removed`).
    cancelled: bool = False
    sold_product_id: int | None = None  # the product a MODIFY or DELETE changes


@dataclass(frozen=True)
class WantedItem:
    """A line item of the revision, checked as at submission; `id` None for a new one."""

    id: int | None
    action: LineItemAction
    specification_code: str
    quantity: int
    characteristics: Mapping[str, Any] = field(default_factory=dict)
    # For an item of the order: None, or the product it changes already (it keeps it).
    sold_product_id: int | None = None


@dataclass(frozen=True)
class ItemChange:
    before: CurrentItem
    after: WantedItem

    @property
    def id(self) -> int:
        return self.before.id


@dataclass(frozen=True)
class RevisionDiff:
    """`positions`: every item's position in the revised order, by id (kept and changed) and
    for the added ones in `added` order."""

    added: tuple[WantedItem, ...]
    removed: tuple[CurrentItem, ...]
    changed: tuple[ItemChange, ...]
    kept: tuple[CurrentItem, ...]
    positions: Mapping[int, int]
    added_positions: tuple[int, ...]

    def payload(self) -> dict[str, list[dict[str, Any]]]:
        """The diff as the revised event shows it (camelCase, like the API)."""
        return {
            "added": [
                {"position": position, **_shown(item)}
                for position, item in zip(self.added_positions, self.added, strict=True)
            ],
            "removed": [{"lineItemId": item.id, **_shown(item)} for item in self.removed],
            "changed": [
                {
                    "lineItemId": change.id,
                    "specificationCode": change.before.specification_code,
                    "before": _values(change.before),
                    "after": _values(change.after),
                }
                for change in self.changed
            ],
        }


def revision_diff(current: Sequence[CurrentItem], wanted: Sequence[WantedItem]) -> RevisionDiff:
    by_id = {item.id: item for item in current}
    seen: set[int] = set()
    added: list[WantedItem] = []
    added_positions: list[int] = []
    changed: list[ItemChange] = []
    kept: list[CurrentItem] = []
    positions: dict[int, int] = {}
    for position, item in enumerate(wanted):
        path = f"lineItems[{position}]"
        if item.id is None:
            added.append(item)
            added_positions.append(position)
            continue
        before = by_id.get(item.id)
        if before is None:
            raise NotFoundError("No line item of this order has this id.", field=f"{path}.id")
        if item.id in seen:
            raise ValidationError("A line item is listed twice.", field=f"{path}.id")
        seen.add(item.id)
        _check_same_product(before, item, path)
        positions[item.id] = position
        if (before.quantity, dict(before.characteristics)) == (
            item.quantity,
            dict(item.characteristics),
        ):
            kept.append(before)
        else:
            changed.append(ItemChange(before, item))
    removed = tuple(item for item in current if item.id not in seen and not item.cancelled)
    # An item cancelled already that the list names still leaves nothing to fulfil.
    if not any(item.id is None or not by_id[item.id].cancelled for item in wanted):
        raise ValidationError(
            "A revision keeps at least one line item; to remove them all, cancel the order "
            "(cancelServiceOrder).",
            field="lineItems",
        )
    if not added and not removed and not changed:
        raise ValidationError("The revision changes no line item.", field="lineItems")
    return RevisionDiff(
        added=tuple(added),
        removed=removed,
        changed=tuple(changed),
        kept=tuple(kept),
        positions=positions,
        added_positions=tuple(added_positions),
    )


def _check_same_product(before: CurrentItem, after: WantedItem, path: str) -> None:
    if after.specification_code != before.specification_code:
        raise ValidationError(
            f"A line item keeps its product ({before.specification_code}): remove it and add "
            "a new item for another one.",
            field=f"{path}.specificationCode",
        )
    if after.action is not before.action:
        raise ValidationError(
            f"A line item keeps its action ({before.action.value}): remove it and add a new "
            "item for another one.",
            field=f"{path}.action",
        )
    if after.sold_product_id is not None and after.sold_product_id != before.sold_product_id:
        raise ValidationError(
            "A line item keeps the product it changes: remove it and add a new item (in an "
            "order of its own) for another one.",
            field=f"{path}.soldProductId",
        )
    if before.action is not LineItemAction.ADD and after.quantity != before.quantity:
        # As at submission: the product carries one quantity (docs/design, section 3).
        raise ValidationError(
            f"A {before.action.value} keeps the quantity of the product it changes.",
            field=f"{path}.quantity",
        )


def _values(item: CurrentItem | WantedItem) -> dict[str, Any]:
    return {"quantity": item.quantity, "characteristics": dict(item.characteristics)}


def _shown(item: CurrentItem | WantedItem) -> dict[str, Any]:
    return {
        "action": item.action.value,
        "specificationCode": item.specification_code,
        **_values(item),
    }
