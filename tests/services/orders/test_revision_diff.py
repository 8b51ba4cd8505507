"""revision_diff: the order's items against a revision's list, without a database."""

from __future__ import annotations

import pytest

from models.enums import LineItemAction
from services.errors import NotFoundError, ValidationError
from services.orders.revision_diff import CurrentItem, WantedItem, revision_diff

ADD = LineItemAction.ADD
FIBRE = CurrentItem(1, ADD, "FIBRE_BROADBAND", 1, {"ipVersion": "IPV4"})
MOBILE = CurrentItem(2, ADD, "MOBILE_LINE", 1, {})


def wanted(item: CurrentItem, **changes: object) -> WantedItem:
    values: dict[str, object] = {
        "id": item.id,
        "action": item.action,
        "specification_code": item.specification_code,
        "quantity": item.quantity,
        "characteristics": item.characteristics,
        "sold_product_id": item.sold_product_id,
    }
    values.update(changes)
    return WantedItem(**values)  # type: ignore[arg-type]


def test_an_item_without_id_is_added_and_one_left_out_is_removed() -> None:
    new = WantedItem(None, ADD, "BUSINESS_SDWAN", 2, {})

    diff = revision_diff([FIBRE, MOBILE], [wanted(FIBRE), new])

    assert (diff.added, diff.removed, diff.changed, diff.kept) == ((new,), (MOBILE,), (), (FIBRE,))
    assert (dict(diff.positions), diff.added_positions) == ({1: 0}, (1,))


def test_an_item_whose_characteristics_differ_is_changed_with_before_and_after() -> None:
    diff = revision_diff([FIBRE], [wanted(FIBRE, characteristics={"ipVersion": "DUAL_STACK"})])

    assert diff.payload() == {
        "added": [],
        "removed": [],
        "changed": [
            {
                "lineItemId": 1,
                "specificationCode": "FIBRE_BROADBAND",
                "before": {"quantity": 1, "characteristics": {"ipVersion": "IPV4"}},
                "after": {"quantity": 1, "characteristics": {"ipVersion": "DUAL_STACK"}},
            }
        ],
    }


def test_a_quantity_change_is_a_change() -> None:
    diff = revision_diff([MOBILE], [wanted(MOBILE, quantity=3)])

    assert [change.id for change in diff.changed] == [2]


def test_reordering_alone_changes_nothing() -> None:
    with pytest.raises(ValidationError) as raised:
        revision_diff([FIBRE, MOBILE], [wanted(MOBILE), wanted(FIBRE)])

    assert raised.value.field == "lineItems"


def test_removing_every_item_is_a_cancellation_not_a_revision() -> None:
    with pytest.raises(ValidationError) as raised:
        revision_diff([FIBRE], [])

    assert (raised.value.field, "cancel" in raised.value.message) == ("lineItems", True)


def test_an_id_of_no_item_of_the_order_is_not_found() -> None:
    with pytest.raises(NotFoundError) as raised:
        revision_diff([FIBRE], [wanted(FIBRE), wanted(MOBILE)])

    assert raised.value.field == "lineItems[1].id"


def test_an_item_listed_twice_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        revision_diff([FIBRE], [wanted(FIBRE, quantity=2), wanted(FIBRE)])

    assert raised.value.field == "lineItems[1].id"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"specification_code": "MOBILE_LINE"}, "lineItems[0].specificationCode"),
        ({"action": LineItemAction.MODIFY}, "lineItems[0].action"),
    ],
)
def test_an_item_keeps_its_product_and_action(change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        revision_diff([FIBRE], [wanted(FIBRE, **change)])

    assert raised.value.field == field


def test_leaving_out_an_item_cancelled_already_removes_nothing() -> None:
    cancelled = CurrentItem(3, ADD, "MOBILE_LINE", 1, {}, cancelled=True)

    diff = revision_diff(
        [FIBRE, cancelled], [wanted(FIBRE), WantedItem(None, ADD, "MOBILE_LINE", 1)]
    )

    assert diff.removed == ()
    with pytest.raises(ValidationError):
        revision_diff([FIBRE, cancelled], [wanted(FIBRE)])


def test_a_modify_keeps_its_quantity() -> None:
    modify = CurrentItem(4, LineItemAction.MODIFY, "FIBRE_BROADBAND", 1, {"ipVersion": "IPV4"})

    with pytest.raises(ValidationError) as raised:
        revision_diff([modify], [wanted(modify, quantity=2)])

    assert raised.value.field == "lineItems[0].quantity"


def test_a_modify_keeps_the_product_it_changes() -> None:
    modify = CurrentItem(4, LineItemAction.MODIFY, "FIBRE_BROADBAND", 1, {}, sold_product_id=7)

    kept = revision_diff([modify], [wanted(modify, characteristics={"b": 1}, sold_product_id=7)])
    with pytest.raises(ValidationError) as raised:
        revision_diff([modify], [wanted(modify, characteristics={"b": 1}, sold_product_id=8)])

    assert [change.id for change in kept.changed] == [4]
    assert raised.value.field == "lineItems[0].soldProductId"
